package io.bmagent.card.soft.net.conntrack;

import java.time.Duration;

/** How long an idle connection is kept, by protocol and TCP state. */
public record Timeouts(
    Duration tcpEstablished, Duration tcpTransitory, Duration tcpClosed, Duration udp, Duration icmp,
    Duration other) {

  /**
   * The public clouds' values: an idle established TCP connection lives 5 days (432,000 s, as in AWS security
   * groups), a half-open or closing one about 2 minutes, UDP and ICMP 30 s.
   */
  public static final Timeouts CLOUD = new Timeouts(Duration.ofSeconds(432_000), Duration.ofSeconds(120),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));

  long nanosFor(int protocol, TcpState state) {
    return switch (protocol) {
      case 6 -> switch (state) {
        case ESTABLISHED -> tcpEstablished.toNanos();
        case CLOSED -> tcpClosed.toNanos();
        default -> tcpTransitory.toNanos();
      };
      case 17 -> udp.toNanos();
      case 1 -> icmp.toNanos();
      default -> other.toNanos();
    };
  }
}
