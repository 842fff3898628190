package io.bmagent.card.soft.net.policy;

/**
 * What the tables say about one flow, computed once and cached with its connection so that later packets of the
 * flow cost a version compare instead of a rule walk. It is stale as soon as the snapshot version moves.
 *
 * @param version the snapshot version this was computed from
 * @param aclEgress the ACL rule deciding the flow's packets from the host, or null (default deny)
 * @param aclIngress the ACL rule deciding the flow's packets to the host, or null (default deny)
 * @param securityGroup the security-group rule allowing the connection in the direction it was opened, or null
 * @param route where packets from the host go, or null when there is no route
 */
public record FlowVerdict(
    long version, CompiledRule aclEgress, CompiledRule aclIngress, CompiledRule securityGroup, Route route) {}
