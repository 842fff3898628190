package io.bmagent.card.soft.nvmetcp;

import java.util.UUID;

/** Where and how an {@link NvmeTcpController} connects; fluent setters, sensible defaults. */
public final class NvmeTcpControllerConfig {
  final String host;
  final int port;
  final String subNqn;
  final String hostNqn;
  UUID hostId = UUID.randomUUID();
  int ioQueues = 2;
  int queueDepth = 128;
  long keepAliveTimeoutMillis = 5_000;
  long commandTimeoutMillis = 30_000;
  int maxAttempts = 3;
  long reconnectDelayMillis = 100;
  long maxReconnectDelayMillis = 2_000;
  long controllerLossTimeoutMillis = 600_000;
  long connectTimeoutMillis = 3_000;
  long shutdownTimeoutMillis = 5_000;
  boolean headerDigest;
  boolean dataDigest;
  int threads = 1;
  Polling polling = Polling.ADAPTIVE;

  public NvmeTcpControllerConfig(String host, int port, String subNqn, String hostNqn) {
    this.host = host;
    this.port = port;
    this.subNqn = subNqn;
    this.hostNqn = hostNqn;
  }

  public NvmeTcpControllerConfig hostId(UUID id) {
    this.hostId = id;
    return this;
  }

  public NvmeTcpControllerConfig ioQueues(int n) {
    this.ioQueues = n;
    return this;
  }

  /** Commands outstanding per I/O queue; the Connect SQSIZE leaves the one slot a ring needs free. */
  public NvmeTcpControllerConfig queueDepth(int depth) {
    this.queueDepth = depth;
    return this;
  }

  /** KATO sent in the admin Connect; Keep Alive goes out every half of it. 0 disables. */
  public NvmeTcpControllerConfig keepAliveTimeoutMillis(long ms) {
    this.keepAliveTimeoutMillis = ms;
    return this;
  }

  /** A command unanswered this long tears the connection down for recovery. */
  public NvmeTcpControllerConfig commandTimeoutMillis(long ms) {
    this.commandTimeoutMillis = ms;
    return this;
  }

  /** Sends of one command before it fails instead of being re-issued once more. */
  public NvmeTcpControllerConfig maxAttempts(int attempts) {
    this.maxAttempts = attempts;
    return this;
  }

  /** First reconnect delay, doubled per failed attempt up to {@code max}. */
  public NvmeTcpControllerConfig reconnectDelayMillis(long first, long max) {
    this.reconnectDelayMillis = first;
    this.maxReconnectDelayMillis = max;
    return this;
  }

  /** How long the path may stay down before held and new I/O fail (Linux ctrl_loss_tmo). */
  public NvmeTcpControllerConfig controllerLossTimeoutMillis(long ms) {
    this.controllerLossTimeoutMillis = ms;
    return this;
  }

  public NvmeTcpControllerConfig connectTimeoutMillis(long ms) {
    this.connectTimeoutMillis = ms;
    return this;
  }

  /**
   * The least time a close waits for CSTS.SHST to report shutdown complete; a larger RTD3E from
   * Identify Controller extends it (up to 60 s), as Linux's shutdown_timeout does.
   */
  public NvmeTcpControllerConfig shutdownTimeoutMillis(long ms) {
    this.shutdownTimeoutMillis = ms;
    return this;
  }

  public NvmeTcpControllerConfig digests(boolean header, boolean data) {
    this.headerDigest = header;
    this.dataDigest = data;
    return this;
  }

  /** How the controller's own event loops wait for their connections; {@link Polling#ADAPTIVE} by default. */
  public NvmeTcpControllerConfig polling(Polling polling) {
    this.polling = polling;
    return this;
  }

  /** Event loop threads owned by the controller. */
  public NvmeTcpControllerConfig threads(int threads) {
    this.threads = threads;
    return this;
  }
}
