package io.bmagent.card.soft.vhost.sys;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.io.IOException;

/**
 * An eventfd: a ring's kick (the front-end signals new buffers), its call (the back-end signals used buffers), or
 * a worker's stop signal. A signal is one 8-byte write, a wait one {@code poll}, so a busy ring costs one native
 * call per batch, not per request.
 */
public final class EventFd implements AutoCloseable {

  private final int fd;
  private final Memory one = new Memory(8);
  private final Memory sink = new Memory(8);
  private final Memory pollFds = new Memory(16);
  private boolean closed;

  /** Takes ownership of a descriptor received from the front-end. */
  public EventFd(int fd) {
    this.fd = fd;
    one.setLong(0, 1);
  }

  public static EventFd create() throws IOException {
    int fd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
    if (fd < 0) {
      throw new IOException(LibC.error("eventfd"));
    }
    return new EventFd(fd);
  }

  /**
   * Synchronized with {@link #close}: the front-end replaces a ring's call fd while completions may be signalling
   * it, and a write after close could hit whatever reused the descriptor number.
   */
  public synchronized void signal() {
    if (!closed) {
      LibC.write(fd, one, new NativeLong(8));
    }
  }

  /**
   * Blocks until this eventfd or {@code stop} is signalled, then resets this one's counter. Returns false when
   * {@code stop} fired (it is left signalled, so every waiter on it wakes).
   */
  public boolean await(EventFd stop) {
    pollFds.setInt(0, fd);
    pollFds.setShort(4, (short) LibC.POLLIN);
    pollFds.setShort(6, (short) 0);
    pollFds.setInt(8, stop.fd);
    pollFds.setShort(12, (short) LibC.POLLIN);
    pollFds.setShort(14, (short) 0);
    while (true) {
      int n = LibC.poll(pollFds, new NativeLong(2), -1);
      if (n < 0) {
        continue;
      }
      if ((pollFds.getShort(14) & LibC.POLLIN) != 0) {
        return false;
      }
      if ((pollFds.getShort(6) & LibC.POLLIN) != 0) {
        LibC.read(fd, sink, new NativeLong(8));
        return true;
      }
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }
}
