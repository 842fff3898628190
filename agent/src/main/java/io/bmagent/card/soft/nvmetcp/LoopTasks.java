package io.bmagent.card.soft.nvmetcp;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

/**
 * Whether tasks wait on the polling loop. A loop that polls inside its select strategy is not asleep as far as Netty
 * knows, so a task handed to it from another thread (a host's I/O, a reconnect) writes no wake-up to its eventfd and
 * no poll would see it: the spin has to look at the queue itself, or such a task waits out the spin.
 */
final class LoopTasks {
  private SingleThreadEventExecutor loop;

  boolean pending() {
    if (loop == null) {
      EventExecutor current = ThreadExecutorMap.currentExecutor();
      if (!(current instanceof SingleThreadEventExecutor s)) {
        return false;
      }
      loop = s;
    }
    return loop.pendingTasks() > 0;
  }
}
