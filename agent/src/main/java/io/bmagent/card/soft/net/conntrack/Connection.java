package io.bmagent.card.soft.net.conntrack;

import io.bmagent.card.soft.net.policy.FlowVerdict;
import io.bmagent.card.soft.net.packet.Tcp;

/**
 * One tracked connection: who opened it, its TCP state, when it expires, and the cached verdict of the tables for
 * its flow (the flow cache). Updated by the host and the underlay threads; state changes are synchronized on the
 * entry, which is uncontended but for the two directions of one flow.
 */
public final class Connection {

  private final FlowKey key;
  private final boolean openedInbound;
  private volatile FlowVerdict verdict;
  private TcpState tcp = TcpState.SYN_SENT;
  /** Which sides have sent FIN: bit 0 the opener, bit 1 the answerer. */
  private int fins;
  private volatile long expiresAt;
  /**
   * Whether the connection has proved itself, as Linux conntrack's IPS_ASSURED: a TCP handshake completed, or
   * another protocol's flow answered. Only others are evicted from a full table.
   */
  private volatile boolean assured;

  /** When it was opened, on the table's clock: a full table evicts the oldest of the entries it looks at. */
  final long openedAt;

  Connection(FlowKey key, boolean openedInbound, FlowVerdict verdict, long openedAt, long expiresAt) {
    this.key = key;
    this.openedAt = openedAt;
    this.openedInbound = openedInbound;
    this.verdict = verdict;
    this.expiresAt = expiresAt;
  }

  public FlowKey key() {
    return key;
  }

  /** Whether the connection was opened towards the host (SG_INGRESS decides it) rather than by the host. */
  public boolean openedInbound() {
    return openedInbound;
  }

  public FlowVerdict verdict() {
    return verdict;
  }

  public void verdict(FlowVerdict v) {
    verdict = v;
  }

  public synchronized TcpState tcpState() {
    return tcp;
  }

  /**
   * Whether a full table may evict it for a new connection: not assured, or a TCP connection already closing
   * (Linux's early_drop and tcp_can_early_drop).
   */
  synchronized boolean evictable() {
    return !assured || tcp == TcpState.FIN_WAIT || tcp == TcpState.TIME_WAIT || tcp == TcpState.CLOSED;
  }

  boolean expired(long now) {
    return now - expiresAt >= 0;
  }

  /**
   * Accounts a packet of the connection and pushes its expiry.
   *
   * @param inbound whether the packet travels towards the host
   * @param tcpFlags the TCP flags, ignored for other protocols
   */
  synchronized void track(boolean inbound, int tcpFlags, long now, Timeouts timeouts) {
    if (key.protocol() == 6) {
      advance(inbound == openedInbound, tcpFlags);
      assured |= tcp == TcpState.ESTABLISHED;
    } else if (inbound != openedInbound) {
      assured = true;
    }
    expiresAt = now + timeouts.nanosFor(key.protocol(), tcp);
  }

  private void advance(boolean fromOpener, int flags) {
    boolean syn = (flags & Tcp.SYN) != 0;
    boolean ack = (flags & Tcp.ACK) != 0;
    if ((flags & Tcp.RST) != 0) {
      tcp = TcpState.CLOSED;
      return;
    }
    if ((flags & Tcp.FIN) != 0 && tcp != TcpState.CLOSED) {
      fins |= fromOpener ? 1 : 2;
      tcp = fins == 3 ? TcpState.TIME_WAIT : TcpState.FIN_WAIT;
      return;
    }
    switch (tcp) {
      case SYN_SENT -> tcp = !fromOpener && syn && ack ? TcpState.SYN_RECEIVED : tcp;
      case SYN_RECEIVED -> tcp = fromOpener && ack && !syn ? TcpState.ESTABLISHED : tcp;
      case CLOSED, TIME_WAIT -> {
        // A new SYN from the opener reuses the ports for a new connection (RFC 793, 3.5 and RFC 6191).
        if (fromOpener && syn && !ack) {
          tcp = TcpState.SYN_SENT;
          fins = 0;
        }
      }
      default -> {
        // ESTABLISHED and FIN_WAIT stay until a FIN or RST.
      }
    }
  }
}
