package io.bmagent.card;

import java.time.Instant;
import java.util.Optional;

/**
 * A bounded ring of the host's serial console for drivers that record it themselves: the last {@code capacity}
 * bytes are kept, older ones are overwritten but still counted, so a guest printing without end costs the card a
 * fixed amount of memory. Thread-safe.
 */
public final class ConsoleRing {

  private final byte[] ring;
  private long total;
  /** How many of the last bytes counted in {@code total} the ring holds, oldest at {@code total - kept}. */
  private int kept;
  private Instant lastWrite;

  public ConsoleRing(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.ring = new byte[capacity];
  }

  public int capacity() {
    return ring.length;
  }

  /** Records {@code len} bytes of {@code data} from {@code off}, received at {@code at}. */
  public synchronized void append(byte[] data, int off, int len, Instant at) {
    if (len == 0) {
      return;
    }
    // Only the last capacity bytes of a long write can survive it.
    int keep = Math.min(len, ring.length);
    int from = off + len - keep;
    int pos = (int) ((total + len - keep) % ring.length);
    int first = Math.min(keep, ring.length - pos);
    System.arraycopy(data, from, ring, pos, first);
    System.arraycopy(data, from + first, ring, 0, keep - first);
    total += len;
    kept = (int) Math.min(ring.length, (long) kept + len);
    lastWrite = at;
  }

  /**
   * Counts {@code n} bytes the console received that the caller did not read (a reader that fell more than the
   * ring's capacity behind reads only the last of them): they are counted, and since what the ring held no longer
   * runs on into what follows, it is dropped too.
   */
  public synchronized void skip(long n) {
    if (n > 0) {
      total += n;
      kept = 0;
    }
  }

  /** The last {@code maxBytes} bytes kept (fewer when fewer are), oldest first. */
  public synchronized ConsoleOutput snapshot(int maxBytes) {
    int n = Math.min(kept, Math.max(0, maxBytes));
    byte[] out = new byte[n];
    int start = (int) ((total - n) % ring.length);
    int first = Math.min(n, ring.length - start);
    System.arraycopy(ring, start, out, 0, first);
    System.arraycopy(ring, 0, out, first, n - first);
    return new ConsoleOutput(out, total, Optional.ofNullable(lastWrite));
  }
}
