package io.bmagent.net;

/** The IP protocols a rule can match, with their IANA numbers. */
public enum Protocol {
  ALL(-1),
  ICMP(1),
  TCP(6),
  UDP(17);

  private final int number;

  Protocol(int number) {
    this.number = number;
  }

  /** The IANA protocol number; -1 for {@link #ALL}. */
  public int number() {
    return number;
  }

  /** Whether rules of this protocol carry a port range. */
  public boolean hasPorts() {
    return this == TCP || this == UDP;
  }

  public boolean matches(int ipProtocol) {
    return this == ALL || number == ipProtocol;
  }
}
