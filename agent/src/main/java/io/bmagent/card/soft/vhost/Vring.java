package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.vhost.sys.EventFd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One ring as the front-end configures it (SET_VRING_NUM/ADDR/BASE/KICK/CALL/ERR/ENABLE) and, once started, its
 * worker thread: it waits on the kick eventfd and feeds the device. vhost-user.rst, "Starting and stopping
 * rings": a ring starts on SET_VRING_KICK and stops on GET_VRING_BASE; a disabled ring is not processed.
 */
final class Vring {

  private static final Logger LOG = Logger.getLogger(Vring.class.getName());
  private final int index;
  private final VhostUserDevice device;
  private int size;
  private long descAddr;
  private long usedAddr;
  private long availAddr;
  private int base;
  private EventFd kick;
  private volatile EventFd call;
  private EventFd err;
  private volatile boolean enabled;
  private Virtqueue queue;
  private GuestMemory ringMemory;
  private EventFd stop;
  private Thread worker;

  Vring(int index, VhostUserDevice device) {
    this.index = index;
    this.device = device;
  }

  void size(int size) {
    if (size == 0 || size > 32768 || (size & (size - 1)) != 0) {
      throw new IllegalArgumentException("ring size " + size + " is not a power of 2 up to 32768 (2.6)");
    }
    this.size = size;
  }

  void addresses(long desc, long used, long avail) {
    this.descAddr = desc;
    this.usedAddr = used;
    this.availAddr = avail;
  }

  void base(int base) {
    this.base = base;
  }

  void call(EventFd fd) {
    EventFd old = call;
    call = fd;
    if (old != null) {
      old.close();
    }
  }

  void err(EventFd fd) {
    EventFd old = err;
    err = fd;
    if (old != null) {
      old.close();
    }
  }

  /** A newly enabled ring looks at its available ring at once, in case the driver kicked while it was disabled. */
  void enable(boolean on) {
    enabled = on;
    // vhost-user.rst, "Ring states": a disabled ring gets no received frames.
    if (device.receives(index) && queue != null) {
      device.started(index, on ? queue : null);
    }
    if (on && kick != null) {
      kick.signal();
    }
  }

  /**
   * SET_VRING_KICK: starts the ring on {@code memory}; with an {@code inflight} region (SET_INFLIGHT_FD), first
   * resubmits what a previous back-end left in flight.
   */
  void start(EventFd kickFd, GuestMemory memory, boolean indirect, InflightRegion inflight) throws IOException {
    stop(Duration.ZERO);
    Virtqueue q;
    try {
      ByteBuffer[] rings = {memory.user(descAddr, Virtqueue.descBytes(size)),
          memory.user(availAddr, Virtqueue.availBytes(size)), memory.user(usedAddr, Virtqueue.usedBytes(size))};
      q = new Virtqueue(size, rings, memory, base, indirect, this::interrupt,
          inflight == null ? null : inflight.queue(index, size));
    } catch (VirtqueueException e) {
      kickFd.close();
      throw e;
    }
    kick = kickFd;
    // The ring holds its memory until it stops, even if a new SET_MEM_TABLE replaces it meanwhile.
    memory.retain();
    ringMemory = memory;
    queue = q;
    stop = EventFd.create();
    if (device.receives(index) && enabled) {
      device.started(index, queue);
    }
    worker = new Thread(() -> run(), "vhost-user-vring-" + index);
    worker.setDaemon(true);
    worker.start();
    if (enabled) {
      kick.signal();
    }
  }

  private void interrupt() {
    EventFd c = call;
    if (c != null) {
      c.signal();
    }
  }

  private void run() {
    try {
      while (kick.await(stop)) {
        // A receive queue's kick only says buffers were posted; the device takes them when frames come.
        if (enabled && !device.receives(index)) {
          queue.poll(chain -> device.handle(index, chain));
        }
      }
    } catch (VirtqueueException e) {
      // vhost-user.rst: the back-end reports a ring it cannot process on the ring's error fd.
      LOG.log(Level.WARNING, "vring " + index + " stopped: " + e.getMessage());
      EventFd e2 = err;
      if (e2 != null) {
        e2.signal();
      }
    }
  }

  /**
   * Stops the worker and waits up to {@code drain} for requests in flight; returns the next available index for
   * GET_VRING_BASE. Requests still in flight after that complete later into memory kept mapped for them; with
   * inflight tracking they are dropped instead, as the next start resubmits them.
   */
  int stop(Duration drain) {
    if (worker == null) {
      return base;
    }
    if (device.receives(index)) {
      device.started(index, null);
    }
    stop.signal();
    try {
      worker.join();
      long deadline = System.nanoTime() + drain.toNanos();
      while (queue.inFlight() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (queue.tracksInflight()) {
      queue.detach();
    }
    stop.close();
    kick.close();
    kick = null;
    worker = null;
    base = queue.nextAvail();
    queue = null;
    ringMemory.release();
    ringMemory = null;
    return base;
  }

  boolean started() {
    return worker != null;
  }

  /** Stops the ring and closes its descriptors (RESET_OWNER, disconnect). */
  void reset(Duration drain) {
    stop(drain);
    call(null);
    err(null);
    enabled = false;
    base = 0;
  }
}
