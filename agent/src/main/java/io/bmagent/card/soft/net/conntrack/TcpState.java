package io.bmagent.card.soft.net.conntrack;

/** The states of a tracked TCP connection, after the handshake and teardown of RFC 793, 3.2 seen from the middle. */
public enum TcpState {
  /** The opener sent SYN. */
  SYN_SENT,
  /** The answerer replied SYN-ACK. */
  SYN_RECEIVED,
  /** The opener acknowledged the SYN-ACK. */
  ESTABLISHED,
  /** One side sent FIN. */
  FIN_WAIT,
  /** Both sides sent FIN; kept for late segments as TIME_WAIT would be. */
  TIME_WAIT,
  /** A side sent RST. */
  CLOSED;
}
