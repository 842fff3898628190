package io.bmagent.reconcile;

import io.bmagent.card.BatchResult;
import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.domain.MappingTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Makes the card's overlay location table and gateways match the desired ones. */
final class MappingStep {

  /**
   * Entries per card call: large enough to amortise a call (a card may rebuild its table per call, as the soft card
   * does: 10,000 made a fresh card's 200,000 entries cost twenty table copies), small enough not to hold the card's
   * table lock long.
   */
  static final int BATCH = 50_000;

  private final Card card;
  private long convergedVersion = -1;

  MappingStep(Card card) {
    this.card = card;
  }

  /** Diffs the whole table unless it is at the version last converged and {@code force} is false. */
  void run(MappingTable table, boolean force) {
    long version = table.version();
    if (!force && version == convergedVersion) {
      return;
    }
    Collection<VpcMapping> onCard = card.network().mappings();
    Map<VpcMapping.Key, VpcMapping> have = new HashMap<>(Math.max(16, onCard.size() + onCard.size() / 3));
    onCard.forEach(m -> have.put(m.key(), m));
    List<VpcMapping.Key> extraneous = new ArrayList<>();
    for (VpcMapping.Key k : have.keySet()) {
      if (!table.contains(k)) {
        extraneous.add(k);
      }
    }
    List<VpcMapping> missing = new ArrayList<>();
    for (VpcMapping m : table.entries()) {
      if (!m.equals(have.get(m.key()))) {
        missing.add(m);
      }
    }
    for (int i = 0; i < extraneous.size(); i += BATCH) {
      check(card.network().removeMappings(extraneous.subList(i, Math.min(extraneous.size(), i + BATCH))));
    }
    for (int i = 0; i < missing.size(); i += BATCH) {
      check(card.network().upsertMappings(missing.subList(i, Math.min(missing.size(), i + BATCH))));
    }
    Map<Integer, VpcGateway> haveGw = new HashMap<>();
    card.network().gateways().forEach(g -> haveGw.put(g.vni(), g));
    for (VpcGateway g : table.gateways()) {
      if (!g.equals(haveGw.remove(g.vni()))) {
        card.network().putGateway(g);
      }
    }
    for (int vni : haveGw.keySet()) {
      card.network().removeGateway(vni);
    }
    convergedVersion = version;
  }

  private static void check(BatchResult r) {
    if (!r.complete()) {
      CardException cause = r.failure().get();
      throw new CardException(cause.reason(), "card took " + r.applied() + " mappings of a batch: "
          + cause.getMessage(), cause);
    }
  }
}
