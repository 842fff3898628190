package io.bmagent.reconcile;

import io.bmagent.api.v1.DesiredPower;
import io.bmagent.card.BlockDeviceState;
import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.PowerState;
import io.bmagent.domain.CardView;
import io.bmagent.domain.DomainException;
import io.bmagent.domain.StateHolder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The domain's view of the card: observed facts from the status book, freeze and thaw run by the reconciler, and the
 * host's console read from the card.
 */
public final class CardAccess implements CardView {

  private static final Duration CALL_MARGIN = Duration.ofSeconds(30);

  private final Card card;
  private final StateHolder state;
  private final StatusBook book;
  private final Reconciler reconciler;
  private final Clock clock;

  public CardAccess(Card card, StateHolder state, StatusBook book, Reconciler reconciler, Clock clock) {
    this.card = card;
    this.state = state;
    this.book = book;
    this.reconciler = reconciler;
    this.clock = clock;
  }

  @Override
  public boolean hostStopped() {
    boolean desiredOff = state.current().instance()
        .map(r -> r.getInstance().getDesiredPower() != DesiredPower.DESIRED_POWER_ON).orElse(true);
    return desiredOff && book.power() == PowerState.OFF;
  }

  @Override
  public boolean frozen(String volumeId) {
    return book.frozenUntil(volumeId).isPresent() || book.device(volumeId).map(BlockDeviceState::frozen).orElse(false);
  }

  @Override
  public Instant freeze(List<String> volumeIds, Duration timeout) {
    for (String id : volumeIds) {
      if (book.device(id).isEmpty()) {
        throw DomainException.limit(io.bmagent.domain.Limit.INVALID_STATE,
            "volume " + id + " is not on the card yet; wait until it is ATTACHED");
      }
    }
    return run(() -> {
      card.storage().freeze(volumeIds, timeout);
      Instant until = clock.instant().plus(timeout);
      volumeIds.forEach(id -> book.frozen(id, until));
      book.devices(card.storage().list());
      return until;
    }, timeout);
  }

  @Override
  public void thaw(List<String> volumeIds) {
    run(() -> {
      card.storage().thaw(volumeIds);
      volumeIds.forEach(book::thawed);
      book.devices(card.storage().list());
      return null;
    }, Duration.ZERO);
  }

  /** A read the card answers from its own ring: no need to queue it behind the reconciler's work. */
  @Override
  public ConsoleOutput console(int maxBytes) {
    try {
      return card.host().console(maxBytes);
    } catch (CardException e) {
      throw DomainException.unavailable("the card refused: " + e.getMessage());
    }
  }

  private <T> T run(java.util.concurrent.Callable<T> op, Duration timeout) {
    try {
      T result = reconciler.call(op, timeout.plus(CALL_MARGIN));
      reconciler.refresh();
      return result;
    } catch (CardException e) {
      throw DomainException.unavailable("the card refused: " + e.getMessage());
    }
  }
}
