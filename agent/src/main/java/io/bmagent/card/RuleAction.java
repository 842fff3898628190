package io.bmagent.card;

/** What a policy rule does with a packet it matches. */
public enum RuleAction {
  ALLOW,
  DENY,
  /** Source NAT outbound and destination NAT inbound, to the rule's translated address. */
  NAT
}
