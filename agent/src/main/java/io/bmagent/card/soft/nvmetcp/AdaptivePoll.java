package io.bmagent.card.soft.nvmetcp;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * {@link Polling#ADAPTIVE}: after the loop last found something to do, it goes on polling without blocking for
 * {@link #WINDOW_NANOS} before it lets the loop wait in epoll_wait. Waking a sleeping thread costs tens of
 * microseconds on virtualised cores, as much as a loopback round trip to the target; a completion that lands within
 * the window costs none (the pinned storage benchmark against sleep: randread QD32 268k to 355k IOPS on a quiet
 * machine; beside other work, QD1 mean 38 to 27 µs and QD32 p99/p50 13 to 2.6). The spin does not yield: a thread
 * that yields while it polls hands its core to whatever else is runnable there for a whole time slice, and loses the
 * priority a thread woken from sleep gets, which measured as QD32 reads at a third of the sleeping loop's rate with
 * p99 at 44× p50. A window this short bounds what it takes from a neighbour instead. One per loop.
 */
final class AdaptivePoll implements SelectStrategy {
  /** Longer than a round trip to a target on the same network, short enough to cost little after a burst ends. */
  static final long WINDOW_NANOS = 50_000;

  private final LoopTasks tasks = new LoopTasks();
  private long lastActive;

  @Override
  public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
    int ready = pollNow.get();
    if (ready > 0 || hasTasks) {
      lastActive = System.nanoTime();
      return ready;
    }
    while (System.nanoTime() - lastActive < WINDOW_NANOS) {
      Thread.onSpinWait();
      ready = pollNow.get();
      if (ready > 0 || tasks.pending()) {
        lastActive = System.nanoTime();
        return ready;
      }
    }
    return SelectStrategy.SELECT;
  }
}
