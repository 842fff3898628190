package io.bmagent.card.soft.net.tap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lossy wire between two cards' underlays. Card A's mapping places B's host at {@code forB} and card B's places
 * A's host at {@code forA}; the relay forwards what arrives at one of its addresses to the other card from its other
 * address, so each card sees its peer's datagrams come from where its mapping says the peer lives, and the
 * pipelines' check against overlay spoofing holds. On the way it drops a share at random, everything during a
 * blackout, and duplicates and reorders a few.
 */
final class LossyRelay implements AutoCloseable {

  /** What the relay did to the datagrams so far, both directions together. */
  record Counts(long received, long forwarded, long dropped, long blackedOut, long duplicated, long reordered) {}

  /** A burst waits here for the relay's thread, as at a card's own socket; net.core.rmem_max caps it. */
  private static final int BUFFER = 4 << 20;
  /** How long a held datagram waits for a successor to overtake it before it goes out anyway. */
  private static final int HOLD_MILLIS = 20;

  private final DatagramSocket forB;
  private final DatagramSocket forA;
  private final Thread aToB;
  private final Thread bToA;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong forwarded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong blackedOut = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong reordered = new AtomicLong();
  private final AtomicLong bytesAtoB = new AtomicLong();
  private volatile double loss;
  private volatile double duplicate;
  private volatile double reorder;
  private volatile long blackoutAtBytes = Long.MAX_VALUE;
  private volatile long blackoutNanos;
  private volatile long blackoutEnds;
  /** When the first datagram crossed after the blackout: the senders' retransmission timers decide it. */
  private volatile long resumed;

  /**
   * @param forB where card A sends for B's host, on the cards' underlay port
   * @param forA where card B sends for A's host
   * @param seed the random choices', so a failing run can be replayed as far as timing allows
   */
  LossyRelay(InetSocketAddress forB, InetSocketAddress forA, InetSocketAddress cardA, InetSocketAddress cardB,
      long seed) throws SocketException {
    this.forB = socket(forB);
    this.forA = socket(forA);
    this.aToB = start("relay-a-b", () -> forward(this.forB, this.forA, cardB, new SplittableRandom(seed), true));
    this.bToA = start("relay-b-a",
        () -> forward(this.forA, this.forB, cardA, new SplittableRandom(seed + 1), false));
  }

  private static Thread start(String name, Runnable loop) {
    Thread t = new Thread(loop, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static DatagramSocket socket(InetSocketAddress at) throws SocketException {
    DatagramSocket s = new DatagramSocket(at);
    s.setReceiveBufferSize(BUFFER);
    s.setSendBufferSize(BUFFER);
    s.setSoTimeout(HOLD_MILLIS);
    return s;
  }

  /** Sets the shares, 0 to 1, of datagrams dropped, sent twice, and held back behind their successor. */
  void faults(double loss, double duplicate, double reorder) {
    this.loss = loss;
    this.duplicate = duplicate;
    this.reorder = reorder;
  }

  /** Drops everything in both directions for {@code millis} once {@code bytes} more have gone from A to B. */
  void blackoutAfter(long bytes, long millis) {
    blackoutNanos = millis * 1_000_000L;
    blackoutAtBytes = bytesAtoB.get() + bytes;
  }

  /** Whether a blackout has begun, and so a transfer that passed its threshold was cut for a while. */
  boolean blackedOut() {
    return blackoutEnds != 0;
  }

  /** How long after the blackout's end the first datagram crossed, in milliseconds; -1 if none has yet. */
  long resumedAfterMillis() {
    long r = resumed;
    return r == 0 ? -1 : (r - blackoutEnds) / 1_000_000L;
  }

  Counts counts() {
    return new Counts(received.get(), forwarded.get(), dropped.get(), blackedOut.get(), duplicated.get(),
        reordered.get());
  }

  private void forward(DatagramSocket in, DatagramSocket out, InetSocketAddress to, SplittableRandom random,
      boolean fromA) {
    DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
    DatagramPacket held = null;
    while (!in.isClosed()) {
      try {
        try {
          in.receive(p);
        } catch (SocketTimeoutException e) {
          if (held != null) {
            out.send(held);
            forwarded.incrementAndGet();
            held = null;
          }
          continue;
        }
        received.incrementAndGet();
        if (fromA && bytesAtoB.addAndGet(p.getLength()) >= blackoutAtBytes) {
          blackoutAtBytes = Long.MAX_VALUE;
          blackoutEnds = System.nanoTime() + blackoutNanos;
        }
        long ends = blackoutEnds;
        if (ends != 0) {
          long now = System.nanoTime();
          if (now - ends < 0) {
            blackedOut.incrementAndGet();
            continue;
          }
          if (resumed == 0) {
            resumed = now;
          }
        }
        if (random.nextDouble() < loss) {
          dropped.incrementAndGet();
          continue;
        }
        DatagramPacket copy = new DatagramPacket(Arrays.copyOf(p.getData(), p.getLength()), p.getLength(), to);
        if (held == null && random.nextDouble() < reorder) {
          held = copy;
          reordered.incrementAndGet();
          continue;
        }
        out.send(copy);
        forwarded.incrementAndGet();
        if (random.nextDouble() < duplicate) {
          out.send(copy);
          duplicated.incrementAndGet();
        }
        if (held != null) {
          out.send(held);
          forwarded.incrementAndGet();
          held = null;
        }
      } catch (IOException e) {
        // Closed by close(), which ends the loop; any other send error loses the datagram, as a wire would.
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    forB.close();
    forA.close();
    aToB.join(5_000);
    bToA.join(5_000);
  }
}
