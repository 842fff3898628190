package io.bmagent.reconcile;

import io.bmagent.api.v1.Volume;
import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.PathState;
import io.bmagent.card.PowerState;
import io.bmagent.domain.DesiredState;
import java.util.HashMap;
import java.util.Map;

/** Makes the card's emulated block devices match the desired volumes. */
final class StorageStep {

  static final String TYPE = "volume";

  private final Card card;
  private final StatusBook book;
  private final String hostNqn;

  StorageStep(Card card, StatusBook book, String hostNqn) {
    this.card = card;
    this.book = book;
    this.hostNqn = hostNqn;
  }

  /** Returns whether every desired volume is on the card as desired. */
  boolean run(DesiredState desired, Map<String, Integer> attempts) {
    Map<String, BlockDeviceState> observed = new HashMap<>();
    card.storage().list().forEach(d -> observed.put(d.volumeId(), d));
    boolean hostOff = card.host().state() == PowerState.OFF;
    CardException failure = null;
    for (BlockDeviceState d : observed.values()) {
      if (!desired.volumes().containsKey(d.volumeId())) {
        if (!hostOff) {
          failure = new CardException(CardException.Reason.BUSY, "device " + d.volumeId()
              + " is extraneous but the host is on; it goes when the host stops");
          continue;
        }
        card.storage().detach(d.volumeId());
        book.forget(TYPE, d.volumeId());
      }
    }
    boolean converged = true;
    for (Volume v : desired.volumes().values()) {
      String id = v.getSpec().getVolumeId();
      BlockDeviceConfig want = BlockDeviceConfigs.of(v.getSpec(), card.info(), hostNqn);
      BlockDeviceState have = observed.get(id);
      try {
        if (have != null && !have.config().withoutSecret().equals(want.withoutSecret())) {
          if (!hostOff) {
            throw new CardException(CardException.Reason.BUSY,
                "device " + id + " differs from its spec but the host is on");
          }
          card.storage().detach(id);
          have = null;
        }
        if (have == null) {
          if (!hostOff) {
            throw new CardException(CardException.Reason.BUSY, "device " + id + " is missing but the host is on");
          }
          book.set(TYPE, id, "ATTACHING", 0, false, "ATTACHING", "connecting " + want.path(), 0);
          card.storage().attach(want);
        }
        attempts.remove(id);
      } catch (CardException e) {
        int n = attempts.merge(id, 1, Integer::sum);
        book.set(TYPE, id, e.retryable() ? "ATTACHING" : "FAILED", 0, false, reason(e), e.getMessage(), n);
        converged = false;
        if (failure == null || !e.retryable()) {
          failure = e;
        }
      }
    }
    refresh(desired);
    if (failure != null && failure.retryable()) {
      throw failure;
    }
    return converged;
  }

  /** Reads the devices again and derives each volume's phase from what the card reports. */
  void refresh(DesiredState desired) {
    var devices = card.storage().list();
    book.devices(devices);
    for (Volume v : desired.volumes().values()) {
      String id = v.getSpec().getVolumeId();
      var d = book.device(id);
      if (d.isEmpty()) {
        continue;
      }
      if (!d.get().frozen()) {
        book.thawed(id);
      }
      PathState path = d.get().pathState();
      if (d.get().frozen()) {
        book.set(TYPE, id, "FROZEN", v.getGeneration(), true, "FROZEN", "host I/O is held", 0);
      } else if (path == PathState.CONNECTED) {
        book.set(TYPE, id, "ATTACHED", v.getGeneration(), true, "ATTACHED", "slot " + d.get().slot(), 0);
      } else {
        book.set(TYPE, id, "DEGRADED", v.getGeneration(), false, "PATH_" + path,
            "path to " + d.get().config().path().subsystemNqn() + " is " + path.name().toLowerCase(), 0);
      }
    }
  }

  static String reason(CardException e) {
    return e.reason() == CardException.Reason.UNAVAILABLE ? "CARD_UNAVAILABLE" : "CARD_" + e.reason();
  }
}
