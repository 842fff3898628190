package io.bmagent.card.soft.net.metadata;

import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.FrameSink;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A minimal TCP server (RFC 9293) at 169.254.169.254:80 for the host's port alone, on the host thread. Its
 * simplifications, fit for a peer one TAP queue away: no options but MSS (so no window scaling), out-of-order data
 * is dropped and re-acknowledged, and there is no retransmission timer: what the host has not acknowledged is sent
 * again when the host shows it lacks it (a duplicate ACK, or its own retransmission). No TIME_WAIT: the card
 * forgets a connection once both FINs are acknowledged, and answers a stray segment with nothing. Memory is bounded:
 * {@value #MAX_CONNECTIONS} connections of a {@value #RECEIVE_BUFFER}-byte window and one response each; a
 * connection whose request has not come within {@value #DEADLINE_SECONDS} s is reset when the table is next used.
 */
public final class TcpEndpoint {

  /** 169.254.169.254. */
  public static final int ADDRESS = 0xA9FE_A9FE;
  public static final int PORT = 80;
  static final int MAX_CONNECTIONS = 16;
  static final int RECEIVE_BUFFER = 16 * 1024;
  static final int DEADLINE_SECONDS = 5;
  private static final int MSS = 1460;
  /** The MSS a peer that names none is assumed to take (RFC 9293, 3.7.1). */
  private static final int DEFAULT_PEER_MSS = 536;
  /** Replies cannot be routed beyond the host (EC2's hop limit of 1). */
  static final int TTL = 1;

  private final MetadataServer server;
  private final MetadataCounters counters;
  private final LongSupplier nanos;
  private final FrameSink host;
  private final SecureRandom random = new SecureRandom();
  private final Map<Integer, Connection> connections = new HashMap<>();

  public TcpEndpoint(MetadataServer server, MetadataCounters counters, LongSupplier nanos, FrameSink host) {
    this.server = server;
    this.counters = counters;
    this.nanos = nanos;
    this.host = host;
  }

  /** Connections open now. */
  public int connections() {
    return connections.size();
  }

  /**
   * Takes an IPv4 packet to {@link #ADDRESS} that the host sent from its own MAC and private IP. Returns false,
   * having done nothing, when it is not a well-formed unfragmented TCP segment to port 80.
   */
  public boolean segment(PortConfig cfg, long gatewayMac, byte[] b, int ip, int total) {
    int ihl = Ipv4.headerLength(b, ip);
    int l4 = ip + ihl;
    int len = total - ihl;
    if (Ipv4.protocol(b, ip) != Ipv4.PROTO_TCP || Ipv4.fragmentOffset(b, ip) != 0 || Ipv4.moreFragments(b, ip)
        || len < Tcp.MIN_HEADER || Tcp.dstPort(b, l4) != PORT) {
      return false;
    }
    int dataOffset = ((b[l4 + 12] & 0xff) >>> 4) * 4;
    if (dataOffset < Tcp.MIN_HEADER || dataOffset > len || !Tcp.checksumValid(b, ip, l4, len)) {
      return false;
    }
    long now = nanos.getAsLong();
    expire(cfg, gatewayMac, now);
    Segment in = new Segment(Tcp.srcPort(b, l4), Bytes.i32(b, l4 + 4), Bytes.i32(b, l4 + 8), Tcp.flags(b, l4),
        Bytes.u16(b, l4 + 14), b, l4 + dataOffset, len - dataOffset);
    Connection c = connections.get(in.port());
    if (c == null) {
      open(cfg, gatewayMac, in, mss(b, l4, dataOffset), now);
    } else {
      receive(cfg, gatewayMac, c, in, now);
    }
    return true;
  }

  private void open(PortConfig cfg, long gatewayMac, Segment in, int peerMss, long now) {
    if ((in.flags() & Tcp.RST) != 0) {
      return;
    }
    if ((in.flags() & (Tcp.SYN | Tcp.ACK)) != Tcp.SYN) {
      // A segment of no connection: reset it (RFC 9293, 3.10.7.1), so a host whose connection the card forgot
      // gives up at once.
      reset(cfg, gatewayMac, in);
      return;
    }
    if (connections.size() >= MAX_CONNECTIONS) {
      counters.countRefused();
      reset(cfg, gatewayMac, in);
      return;
    }
    Connection c = new Connection(in.port(), random.nextInt(), in.seq() + 1, Math.min(peerMss, MSS),
        now + DEADLINE_SECONDS * 1_000_000_000L);
    c.peerWindow = in.window();
    connections.put(in.port(), c);
    send(cfg, gatewayMac, c, c.iss, Tcp.SYN | Tcp.ACK, 0, 0);
  }

  private void receive(PortConfig cfg, long gatewayMac, Connection c, Segment in, long now) {
    int flags = in.flags();
    if ((flags & Tcp.RST) != 0) {
      connections.remove(c.port);
      return;
    }
    if ((flags & Tcp.SYN) != 0) {
      if (!c.established && in.seq() + 1 == c.rcvNxt) {
        send(cfg, gatewayMac, c, c.iss, Tcp.SYN | Tcp.ACK, 0, 0);
      } else {
        connections.remove(c.port);
        reset(cfg, gatewayMac, in);
      }
      return;
    }
    if ((flags & Tcp.ACK) == 0) {
      return;
    }
    int acked = in.ack() - c.sndUna;
    int inFlight = c.sndNxt - c.sndUna;
    if (acked < 0 || acked > inFlight) {
      send(cfg, gatewayMac, c, c.sndNxt, Tcp.ACK, 0, 0);
      return;
    }
    boolean duplicate = acked == 0 && in.length() == 0 && (flags & Tcp.FIN) == 0 && inFlight > 0
        && in.window() == c.peerWindow;
    c.peerWindow = in.window();
    c.acknowledge(acked);
    if (duplicate) {
      c.rewind();
    }
    if (!c.established) {
      return;
    }
    boolean ack = false;
    if (in.length() > 0 || (flags & Tcp.FIN) != 0) {
      ack = true;
      int skip = c.rcvNxt - in.seq();
      // A segment beyond rcvNxt (one was lost before it) is dropped; the ACK tells the host where to resume.
      if (skip >= 0) {
        if (skip > 0) {
          // The host sent again what it had sent: it lacks the card's answer, so that goes again too.
          c.rewind();
        }
        int fresh = Math.max(0, in.length() - skip);
        int taken = c.take(in.data(), in.offset() + Math.min(skip, in.length()), fresh);
        if (taken == fresh && (flags & Tcp.FIN) != 0 && skip <= in.length()) {
          if (!c.peerFin) {
            c.rcvNxt++;
          }
          c.peerFin = true;
        }
      }
    }
    serve(c, now);
    transmit(cfg, gatewayMac, c, ack);
    if (c.finSent && c.finAcked && c.peerFin) {
      connections.remove(c.port);
    }
  }

  /** Answers the requests the receive buffer holds, one response in flight at a time. */
  private void serve(Connection c, long now) {
    while (c.txLength == 0 && !c.closing) {
      HttpRequest req = HttpRequest.parse(c.rx, c.rxLength);
      if (req == null) {
        break;
      }
      c.queue(server.respond(req));
      c.consume(req.consumed());
      c.deadline = now + DEADLINE_SECONDS * 1_000_000_000L;
      c.closing = req.close() || req.status() != 0;
    }
    if (c.peerFin && c.txLength == 0) {
      c.closing = true;
    }
  }

  private void transmit(PortConfig cfg, long gatewayMac, Connection c, boolean ack) {
    boolean sent = false;
    while (!c.finSent) {
      int offset = c.sndNxt - c.sndUna;
      int n = Math.max(0, Math.min(Math.min(c.txLength - offset, c.peerWindow - offset), c.mss));
      boolean fin = c.closing && offset + n == c.txLength;
      if (n == 0 && !fin) {
        break;
      }
      send(cfg, gatewayMac, c, c.sndNxt, Tcp.ACK | (n > 0 ? Tcp.PSH : 0) | (fin ? Tcp.FIN : 0), offset, n);
      c.sndNxt += n + (fin ? 1 : 0);
      c.finSent = fin;
      sent = true;
    }
    if (!sent && ack) {
      send(cfg, gatewayMac, c, c.sndNxt, Tcp.ACK, 0, 0);
    }
  }

  private void expire(PortConfig cfg, long gatewayMac, long now) {
    for (Iterator<Connection> it = connections.values().iterator(); it.hasNext(); ) {
      Connection c = it.next();
      if (now - c.deadline > 0) {
        it.remove();
        counters.countTimedOut();
        send(cfg, gatewayMac, c, c.sndNxt, Tcp.RST | Tcp.ACK, 0, 0);
      }
    }
  }

  private void reset(PortConfig cfg, long gatewayMac, Segment in) {
    int seq = (in.flags() & Tcp.ACK) != 0 ? in.ack() : 0;
    int ack = in.seq() + in.length() + ((in.flags() & Tcp.SYN) != 0 ? 1 : 0) + ((in.flags() & Tcp.FIN) != 0 ? 1 : 0);
    frame(cfg, gatewayMac, in.port(), seq, ack, Tcp.RST | Tcp.ACK, 0, null, 0, 0);
  }

  private void send(PortConfig cfg, long gatewayMac, Connection c, int seq, int flags, int offset, int n) {
    frame(cfg, gatewayMac, c.port, seq, c.rcvNxt, flags, c.window(), c.tx, offset, n);
  }

  private void frame(PortConfig cfg, long gatewayMac, int port, int seq, int ack, int flags, int window,
      byte[] data, int offset, int n) {
    int options = (flags & Tcp.SYN) != 0 ? 4 : 0;
    int tcpLength = Tcp.MIN_HEADER + options + n;
    byte[] out = new byte[Ethernet.HEADER + Ipv4.MIN_HEADER + tcpLength];
    int ip = Ethernet.HEADER;
    int tcp = ip + Ipv4.MIN_HEADER;
    Ethernet.write(out, 0, cfg.mac().value(), gatewayMac, Ethernet.TYPE_IPV4);
    Tcp.write(out, tcp, PORT, port, seq, ack, flags, window);
    if (options > 0) {
      out[tcp + 12] = (byte) ((Tcp.MIN_HEADER + options) / 4 << 4);
      out[tcp + 20] = 2;
      out[tcp + 21] = 4;
      Bytes.put16(out, tcp + 22, MSS);
    }
    if (n > 0) {
      System.arraycopy(data, offset, out, tcp + Tcp.MIN_HEADER + options, n);
    }
    Ipv4.write(out, ip, Ipv4.PROTO_TCP, ADDRESS, cfg.privateIp().value(), tcpLength, TTL);
    Tcp.updateChecksum(out, ip, tcp, tcpLength);
    host.send(out, 0, out.length);
  }

  /** The MSS option of a SYN (RFC 9293, 3.7.1), or the default. */
  private static int mss(byte[] b, int tcp, int dataOffset) {
    int i = tcp + Tcp.MIN_HEADER;
    int end = tcp + dataOffset;
    while (i < end) {
      int kind = b[i] & 0xff;
      if (kind == 0) {
        break;
      }
      if (kind == 1) {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        break;
      }
      int length = b[i + 1] & 0xff;
      if (length < 2 || i + length > end) {
        break;
      }
      if (kind == 2 && length == 4) {
        return Math.max(64, Bytes.u16(b, i + 2));
      }
      i += length;
    }
    return DEFAULT_PEER_MSS;
  }

  private record Segment(int port, int seq, int ack, int flags, int window, byte[] data, int offset, int length) {}
}
