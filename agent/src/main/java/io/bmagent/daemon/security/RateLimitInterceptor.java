package io.bmagent.daemon.security;

import io.bmagent.api.Errors;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Refuses calls beyond a peer's rate with RESOURCE_EXHAUSTED before they reach a service. A TCP peer is its IP
 * address, not its address and port, so opening more connections does not buy more calls; all local Unix socket
 * clients share one bucket (they are the agent's own user or root).
 */
public final class RateLimitInterceptor implements ServerInterceptor {

  /** Buckets kept before idle (full) ones are forgotten; bounds memory when many addresses call once. */
  static final int MAX_PEERS = 1024;

  private final RateLimit limit;
  private final LongSupplier nanoTime;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

  public RateLimitInterceptor(RateLimit limit) {
    this(limit, System::nanoTime);
  }

  RateLimitInterceptor(RateLimit limit, LongSupplier nanoTime) {
    this.limit = limit;
    this.nanoTime = nanoTime;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String peer = peer(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
    if (!bucket(peer).tryTake()) {
      StatusRuntimeException refusal = Errors.rateLimited(peer, "rate limit of " + limit.perSecond()
          + " calls/s (burst " + limit.burst() + ") exceeded by " + peer + "; retry with backoff",
          Duration.ofNanos((long) Math.ceil(1e9 / limit.perSecond())));
      call.close(refusal.getStatus(), refusal.getTrailers());
      return new ServerCall.Listener<>() { };
    }
    return next.startCall(call, headers);
  }

  private TokenBucket bucket(String peer) {
    TokenBucket b = buckets.get(peer);
    if (b != null) {
      return b;
    }
    if (buckets.size() >= MAX_PEERS) {
      buckets.values().removeIf(TokenBucket::isFull);
    }
    return buckets.computeIfAbsent(peer, p -> new TokenBucket(limit, nanoTime));
  }

  static String peer(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return "local";
  }
}
