package io.bmagent.card.soft.nvmetcp;

import io.bmagent.card.soft.net.BusyIdle;
import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * {@link Polling#BUSY}: every turn of the loop polls without blocking (epoll_wait with timeout 0, selectNow). A loop
 * that only spun would keep any other thread woken on its core (GC, JIT, the caller) off it until the next scheduler
 * tick, 4 ms at HZ=250, stalling the loop's I/O behind it when it does run; BusyIdle yields after a run of empty polls
 * instead. One per loop.
 */
final class BusyPoll implements SelectStrategy {
  private final BusyIdle idle = new BusyIdle();

  @Override
  public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
    int ready = pollNow.get();
    if (ready == 0 && !hasTasks) {
      idle.idle();
    } else {
      idle.reset();
    }
    return ready;
  }
}
