package io.bmagent.card;

/**
 * The match-action tables of the host port's pipeline, in the order a packet from the host meets them (ACL, then
 * security groups, then NAT); traffic to the host meets NAT first, then the ACL and the security groups.
 */
public enum PolicyTable {
  /** Stateless, ordered by priority, first match wins, default deny. */
  ACL_INGRESS,
  ACL_EGRESS,
  /** Stateful allow rules; a connection they allow has its replies allowed too; default deny. */
  SG_INGRESS,
  SG_EGRESS,
  /** One-to-one NAT between the private address (the rule's remote prefix) and the elastic IP. */
  NAT
}
