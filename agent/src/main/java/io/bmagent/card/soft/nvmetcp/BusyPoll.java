package io.bmagent.card.soft.nvmetcp;

import io.bmagent.card.soft.net.BusyIdle;
import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * {@link Polling#BUSY}: the loop never waits in epoll_wait. It polls without blocking (epoll_wait with timeout 0,
 * selectNow) in a tight spin here rather than once per turn of the event loop, whose task and timer bookkeeping per
 * empty turn cost a tenth of the reads at QD32. It hands back to the loop when something is ready, a task is queued
 * (see {@link LoopTasks}), or after {@link #TURN_NANOS}, so scheduled tasks (the command timeout sweep) still run. A
 * loop that only spun would keep any other thread woken on its core (GC, JIT, the caller) off it until the next
 * scheduler tick, 4 ms at HZ=250, stalling the loop's I/O behind it when it does run; BusyIdle yields after a run of
 * empty polls instead. One per loop.
 */
final class BusyPoll implements SelectStrategy {
  /** Well under the sweep's period, the shortest timer an initiator loop runs. */
  private static final long TURN_NANOS = 1_000_000;

  private final BusyIdle idle = new BusyIdle();
  private final LoopTasks tasks = new LoopTasks();

  @Override
  public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
    int ready = pollNow.get();
    if (ready > 0 || hasTasks) {
      idle.reset();
      return ready;
    }
    long start = System.nanoTime();
    while (System.nanoTime() - start < TURN_NANOS) {
      idle.idle();
      ready = pollNow.get();
      if (ready > 0 || tasks.pending()) {
        idle.reset();
        return ready;
      }
    }
    return 0;
  }
}
