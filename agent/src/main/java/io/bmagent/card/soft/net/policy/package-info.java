/**
 * The soft card's compiled, immutable lookup structures: policy rules by table, the overlay location table and
 * the gateways, bundled in a versioned {@link io.bmagent.card.soft.net.policy.PolicySnapshot}. Writers build a new
 * snapshot and swap it in (copy-on-write), so the data path never waits for a table update, and a flow's cached
 * {@link io.bmagent.card.soft.net.policy.FlowVerdict} knows it is stale when the version moves.
 */
package io.bmagent.card.soft.net.policy;
