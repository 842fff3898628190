package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One controller of the dynamic model: its properties (CC, CSTS), granted queue count, keep-alive
 * timer and the channels of its queues. It lives as long as its admin queue connection.
 */
final class TargetController {
  /** CAP: MQES 1023 (0's based), CQR, TO 5 s, CSS NVM, MPSMIN 4 KiB (NVMe Base 3.1.1). */
  static final long CAP = 1023L | (1L << 16) | (10L << 24) | (1L << 37);
  static final long VS_1_3 = 0x00010300L;
  private final Subsystem subsystem;
  private final int cntlid;
  private final String hostNqn;
  private final UUID hostId;
  private final Map<Integer, Channel> queues = new ConcurrentHashMap<>();
  private volatile long cc;
  private volatile long csts;
  private volatile int grantedIoQueues;
  private volatile long katoMillis;
  private volatile long lastKeepAlive = System.nanoTime();
  private ScheduledFuture<?> keepAliveCheck;
  private boolean shutdownReported;
  private boolean shutdownNotified;
  private EventLoop loop;
  private long connectKatoMillis;
  private final Features features;
  private final ErrorLog errors = new ErrorLog();
  private boolean temperatureWarning;
  private boolean healthEventMasked;
  private long pendingEvent = -1;

  TargetController(Subsystem subsystem, int cntlid, String hostNqn, UUID hostId) {
    this.subsystem = subsystem;
    this.cntlid = cntlid;
    this.hostNqn = hostNqn;
    this.hostId = hostId;
    this.features = new Features(this, subsystem.options());
  }

  Features features() {
    return features;
  }

  ErrorLog errors() {
    return errors;
  }

  /**
   * Re-evaluates the SMART critical warnings: the temperature warning turning on raises a SMART / Health Status
   * event (type 001b, information 01h, log page 02h; NVMe Base 2.0, 5.2) if Asynchronous Event Configuration
   * enables it and no such event awaits the host's read of the log page.
   */
  synchronized void checkHealth() {
    boolean warning = features.temperatureWarning();
    boolean enabled = (features.asyncEventConfig() & LogPages.CRITICAL_WARNING_TEMPERATURE) != 0;
    if (warning && !temperatureWarning && enabled && !healthEventMasked) {
      pendingEvent = 0x01 | (0x01 << 8) | ((long) Nvme.LID_SMART_HEALTH << 16);
      healthEventMasked = true;
    }
    temperatureWarning = warning;
  }

  /** The next event for an outstanding Asynchronous Event Request, or -1. */
  synchronized long takeEvent() {
    long e = pendingEvent;
    pendingEvent = -1;
    return e;
  }

  /** Reading the SMART log with RAE cleared re-enables its events (Get Log Page, RAE; NVMe Base 2.0, 5.16). */
  synchronized void healthLogRead(boolean retainEvent) {
    if (!retainEvent && pendingEvent < 0) {
      healthEventMasked = false;
    }
  }

  Subsystem subsystem() {
    return subsystem;
  }

  int cntlid() {
    return cntlid;
  }

  boolean sameHost(String nqn, UUID id) {
    return hostNqn.equals(nqn) && hostId.equals(id);
  }

  boolean ready() {
    return (csts & 1) != 0;
  }

  boolean addQueue(int qid, Channel ch) {
    return queues.putIfAbsent(qid, ch) == null;
  }

  void removeQueue(int qid, Channel ch) {
    if (queues.remove(qid, ch)) {
      subsystem.event(TargetEvent.Kind.QUEUE_DISCONNECTED, cntlid, qid);
    }
  }

  boolean hasIoQueues() {
    return queues.keySet().stream().anyMatch(q -> q > 0);
  }

  int grantedIoQueues() {
    return grantedIoQueues;
  }

  void grantIoQueues(int n) {
    grantedIoQueues = n;
  }

  long property(int offset) {
    return switch (offset) {
      case Nvme.PROP_CAP -> CAP;
      case Nvme.PROP_VS -> VS_1_3;
      case Nvme.PROP_CC -> cc;
      case Nvme.PROP_CSTS -> readCsts();
      default -> -1;
    };
  }

  /**
   * Writes CC: EN 0 to 1 sets CSTS.RDY, 1 to 0 resets. SHN going non-zero starts shutdown
   * processing: SHST reads 01b (occurring) until it is done, then 10b (complete); SHN back to 00b
   * clears SHST (NVMe Base 2.0, 3.1.3.5-6 and 3.6.1). Returns false for properties not writable.
   */
  synchronized boolean setProperty(int offset, long value) {
    if (offset != Nvme.PROP_CC) {
      return false;
    }
    long before = cc;
    cc = value & 0xffffffffL;
    boolean shn = ((cc >>> 14) & 3) != 0;
    long shst = csts & (3L << 2);
    if (!shn) {
      shst = 0;
    } else if (((before >>> 14) & 3) == 0) {
      shutdownNotified = true;
      subsystem.event(TargetEvent.Kind.SHUTDOWN_REQUESTED, cntlid, 0);
      long ms = subsystem.options().shutdownMillis;
      shst = ms == 0 ? (long) Nvme.CSTS_SHST_COMPLETE << 2 : (long) Nvme.CSTS_SHST_OCCURRING << 2;
      if (ms > 0) {
        loop.schedule(this::shutdownDone, ms, TimeUnit.MILLISECONDS);
      }
    }
    csts = (cc & 1) | shst;
    return true;
  }

  private synchronized void shutdownDone() {
    if (((cc >>> 14) & 3) != 0) {
      csts = (csts & ~(3L << 2)) | ((long) Nvme.CSTS_SHST_COMPLETE << 2);
    }
  }

  /** CSTS as a host reads it; the first read showing shutdown complete is an event. */
  synchronized long readCsts() {
    if (((csts >>> 2) & 3) == Nvme.CSTS_SHST_COMPLETE && !shutdownReported) {
      shutdownReported = true;
      subsystem.event(TargetEvent.Kind.SHUTDOWN_COMPLETE_REPORTED, cntlid, 0);
    }
    return csts;
  }

  long katoMillis() {
    return katoMillis;
  }

  /** KATO from the admin Connect, the Keep Alive Timer's default. */
  synchronized long connectKatoMillis() {
    return connectKatoMillis;
  }

  void keepAlive() {
    lastKeepAlive = System.nanoTime();
  }

  /** Arms the keep-alive timer: no Keep Alive within KATO ends the association (NVMe Base 7.12). */
  synchronized void startKeepAlive(EventLoop adminLoop, long kato) {
    if (loop == null) {
      connectKatoMillis = kato;
    }
    loop = adminLoop;
    katoMillis = kato;
    keepAlive();
    if (keepAliveCheck != null) {
      keepAliveCheck.cancel(false);
    }
    if (kato > 0) {
      long period = Math.max(10, kato / 4);
      keepAliveCheck = loop.scheduleAtFixedRate(() -> {
        if (System.nanoTime() - lastKeepAlive > TimeUnit.MILLISECONDS.toNanos(katoMillis)) {
          destroy();
        }
      }, period, period, TimeUnit.MILLISECONDS);
    }
  }

  /** Set Features Keep Alive Timer (FID 0Fh) re-arms with the new KATO. */
  synchronized void updateKato(long kato) {
    startKeepAlive(loop, kato);
  }

  /** Tears the association down: every queue connection of this controller closes. */
  synchronized void destroy() {
    if (keepAliveCheck != null) {
      keepAliveCheck.cancel(false);
    }
    if (subsystem.removeController(this) && !shutdownNotified) {
      subsystem.health().unsafeShutdown();
    }
    queues.values().forEach(Channel::close);
  }
}
