package io.bmagent.net;

/** An inclusive range of TCP or UDP ports. */
public record PortRange(int from, int to) {

  public static final PortRange ALL = new PortRange(0, 65535);

  public PortRange {
    if (from < 0 || to > 65535 || from > to) {
      throw new IllegalArgumentException("bad port range " + from + "-" + to);
    }
  }

  public static PortRange single(int port) {
    return new PortRange(port, port);
  }

  public boolean contains(int port) {
    return port >= from && port <= to;
  }

  @Override
  public String toString() {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }
}
