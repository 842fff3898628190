package io.bmagent.card.soft.net;

/**
 * What a {@link NetPoll#BUSY} thread does when a read finds nothing: it spins, and after a run of empty reads it also
 * yields its core ({@code sched_yield}) on each one, without ever sleeping. Where the data path has its cores to
 * itself the yield returns at once; where it shares them (two cores, the host's processes and the kernel's softirq
 * work on the same ones), a thread that only spins keeps a woken ping or iperf3 off its core until the scheduler's
 * next tick, 4 ms at HZ=250, which measured as a 4 ms ping. It also tells how long the reads have found nothing
 * ({@link #idleFor}), for a thread that parks when its queue falls silent. One per thread.
 */
public final class BusyIdle {

  /** Empty reads spun through before yielding: a few tens of microseconds, a packet's gap under load. */
  private static final int SPINS = 1_000;

  private int empty;
  private long firstEmpty;

  /** After a read found nothing. */
  public void idle() {
    if (empty == 0) {
      firstEmpty = System.nanoTime();
    }
    // The count stops at SPINS: a loop idle for hours would otherwise wrap it and spin again without yielding.
    if (empty < SPINS) {
      empty++;
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
  }

  /** Whether the reads since the last packet have found nothing for at least {@code nanos}. */
  public boolean idleFor(long nanos) {
    return empty >= SPINS && System.nanoTime() - firstEmpty >= nanos;
  }

  /** After a read found a packet. */
  public void reset() {
    empty = 0;
  }
}
