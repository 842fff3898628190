package io.bmagent.daemon.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the API listeners guard themselves.
 *
 * @param tls mutual TLS for the TCP listener, or null for plaintext (for a loopback listen address only)
 * @param rateLimit calls each peer may start, or null for no limit
 * @param localUids the users allowed on the Unix socket
 * @param maxCallsPerConnection concurrent calls (streams included) one connection may have open
 * @param handlerThreads threads that run calls; fixed, so a flood queues instead of spawning threads
 */
public record ListenerSecurity(ServerTls tls, RateLimit rateLimit, Set<Integer> localUids, int maxCallsPerConnection,
    int handlerThreads) {

  public static final RateLimit DEFAULT_RATE = new RateLimit(200, 400);
  public static final int DEFAULT_MAX_CALLS_PER_CONNECTION = 100;
  public static final int DEFAULT_HANDLER_THREADS = 16;

  public ListenerSecurity {
    localUids = Set.copyOf(localUids);
  }

  /** Plaintext, the default rate limit, and the Unix socket open to root and the agent's own user. */
  public static ListenerSecurity defaults() {
    return new ListenerSecurity(null, DEFAULT_RATE, new HashSet<>(List.of(0, ownUid())), DEFAULT_MAX_CALLS_PER_CONNECTION,
        DEFAULT_HANDLER_THREADS);
  }

  public ListenerSecurity withTls(ServerTls tls) {
    return new ListenerSecurity(tls, rateLimit, localUids, maxCallsPerConnection, handlerThreads);
  }

  public ListenerSecurity withRateLimit(RateLimit rateLimit) {
    return new ListenerSecurity(tls, rateLimit, localUids, maxCallsPerConnection, handlerThreads);
  }

  public ListenerSecurity withLocalUids(Set<Integer> localUids) {
    return new ListenerSecurity(tls, rateLimit, localUids, maxCallsPerConnection, handlerThreads);
  }

  /** The uid this process runs as; the agent is Linux-only (epoll), where /proc/self is owned by it. */
  public static int ownUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tell the agent's own uid", e);
    }
  }
}
