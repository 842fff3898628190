package io.bmagent.card.soft.net.policy;

/**
 * Where a packet from the host goes in the overlay.
 *
 * @param innerDstMac the destination MAC of the inner frame: the peer's, or the gateway's
 * @param underlay the underlay address of the card or gateway to tunnel to
 * @param sourceNat the NAT rule whose elastic IP the source becomes, or null
 */
public record Route(long innerDstMac, int underlay, CompiledRule sourceNat) {}
