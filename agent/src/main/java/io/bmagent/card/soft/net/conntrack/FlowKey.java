package io.bmagent.card.soft.net.conntrack;

/**
 * A flow as seen from the host, the same for both directions: 128 bits packing VNI (24), protocol (8), local and
 * remote IPv4 address and local and remote port (16 each; the ICMP echo identifier as the local port). Keying on
 * the host's side means a packet needs no normalisation by direction, and the private address is the key even when
 * the flow crosses NAT.
 */
public record FlowKey(long high, long low) {

  public static FlowKey of(int vni, int protocol, int localIp, int remoteIp, int localPort, int remotePort) {
    long high = ((long) (vni & 0xFF_FFFF) << 40) | ((long) (protocol & 0xff) << 32) | (localIp & 0xFFFF_FFFFL);
    long low = ((long) remoteIp << 32) | ((long) (localPort & 0xffff) << 16) | (remotePort & 0xffff);
    return new FlowKey(high, low);
  }

  public int vni() {
    return (int) (high >>> 40);
  }

  public int protocol() {
    return (int) (high >>> 32) & 0xff;
  }

  public int localIp() {
    return (int) high;
  }

  public int remoteIp() {
    return (int) (low >>> 32);
  }

  public int localPort() {
    return (int) (low >>> 16) & 0xffff;
  }

  public int remotePort() {
    return (int) low & 0xffff;
  }

  /** Spelt out rather than the record's generated equals, so that the JIT inlines it into the table lookup. */
  @Override
  public boolean equals(Object o) {
    return o instanceof FlowKey k && k.high == high && k.low == low;
  }

  @Override
  public int hashCode() {
    long h = high * 0x9E3779B97F4A7C15L ^ low * 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 32));
  }
}
