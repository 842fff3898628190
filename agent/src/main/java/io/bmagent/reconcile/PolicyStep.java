package io.bmagent.reconcile;

import io.bmagent.card.BatchResult;
import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.PolicyRule;
import io.bmagent.domain.DesiredState;
import io.bmagent.policy.PolicyCompiler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Makes the card's policy tables match the compiled policy of the NIC. */
final class PolicyStep {

  private static final Comparator<PolicyRule> ORDER = Comparator.comparing(PolicyRule::table)
      .thenComparingInt(PolicyRule::priority);

  private final Card card;
  private final StatusBook book;

  PolicyStep(Card card, StatusBook book) {
    this.card = card;
    this.book = book;
  }

  void run(DesiredState desired, int attempts) {
    Set<PolicyRule> want = desired.nic()
        .map(n -> PolicyCompiler.compile(n.getSpec(), desired.securityGroups(), desired.acls(), desired.elasticIp()))
        .orElse(Set.of());
    if (desired.nic().isPresent() && card.network().port().isEmpty()) {
      return;
    }
    Set<PolicyRule> have = card.network().rules();
    List<PolicyRule> extraneous = new ArrayList<>(have.stream().filter(r -> !want.contains(r)).toList());
    List<PolicyRule> missing = new ArrayList<>(want.stream().filter(r -> !have.contains(r)).toList());
    if (extraneous.isEmpty() && missing.isEmpty()) {
      return;
    }
    extraneous.sort(ORDER);
    missing.sort(ORDER);
    // Removing first keeps each ACL priority unique on the card while an entry is replaced.
    try {
      check(card.network().removeRules(extraneous), "remove", extraneous.size());
      check(card.network().applyRules(missing), "apply", missing.size());
    } catch (CardException e) {
      desired.nic().ifPresent(n -> book.set(NetworkStep.TYPE, n.getSpec().getNicId(),
          e.retryable() ? "PENDING" : "FAILED", 0, false, "POLICY_" + StorageStep.reason(e), e.getMessage(),
          attempts + 1));
      throw e;
    }
    book.policyApplied();
  }

  private static void check(BatchResult result, String what, int total) {
    if (!result.complete()) {
      CardException cause = result.failure().get();
      throw new CardException(cause.reason(), "card took " + result.applied() + " of " + total + " rules to " + what
          + ": " + cause.getMessage(), cause);
    }
  }
}
