package io.bmagent.card.soft.vhost.sys;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One front-end's connection. Messages are small and few (setup, not I/O), so each read goes through a native
 * buffer allocated once per connection.
 */
public final class UnixConnection implements AutoCloseable {

  /** vhost-user carries at most 8 file descriptors per message (VHOST_MEMORY_BASELINE_NREGIONS). */
  public static final int MAX_FDS = 8;
  private static final int MSGHDR = 56;
  private static final int IOVEC = 16;
  private static final int CMSGHDR = 16;
  private static final int CONTROL = CMSGHDR + 4 * MAX_FDS;
  private static final int BUFFER = 4096;
  private final int fd;
  private final Memory msg = new Memory(MSGHDR);
  private final Memory iov = new Memory(IOVEC);
  private final Memory control = new Memory(CONTROL);
  private final Memory buffer = new Memory(BUFFER);
  private volatile boolean closed;

  UnixConnection(int fd) {
    this.fd = fd;
  }

  /**
   * Reads exactly {@code into.remaining()} bytes and returns the file descriptors that came with them (ancillary
   * data rides on the first bytes of a message, so callers read each header through here).
   */
  public int[] receive(ByteBuffer into) throws IOException {
    int want = into.remaining();
    if (want > BUFFER) {
      throw new IOException("message part of " + want + " bytes exceeds " + BUFFER);
    }
    msg.clear();
    control.clear();
    iov.setPointer(0, buffer);
    iov.setLong(8, want);
    msg.setPointer(16, iov);
    msg.setLong(24, 1);
    msg.setPointer(32, control);
    msg.setLong(40, CONTROL);
    long n;
    do {
      n = LibC.recvmsg(fd, msg, LibC.MSG_CMSG_CLOEXEC).longValue();
    } while (n < 0 && com.sun.jna.Native.getLastError() == LibC.EINTR);
    if (n < 0) {
      throw new IOException(LibC.error("recvmsg"));
    }
    if (n == 0) {
      throw new EOFException("front-end closed the connection");
    }
    int[] fds = fds();
    into.put(buffer.getByteBuffer(0, n));
    if (n < want) {
      readFully(into);
    }
    return fds;
  }

  private int[] fds() {
    long controlLen = msg.getLong(40);
    if (controlLen < CMSGHDR) {
      return new int[0];
    }
    long len = control.getLong(0);
    if (control.getInt(8) != LibC.SOL_SOCKET || control.getInt(12) != LibC.SCM_RIGHTS) {
      return new int[0];
    }
    int count = (int) Math.min(MAX_FDS, (len - CMSGHDR) / 4);
    return Arrays.copyOf(control.getIntArray(CMSGHDR, count), count);
  }

  /** Reads the rest of {@code into}, without ancillary data. */
  public void readFully(ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      int want = Math.min(into.remaining(), BUFFER);
      long n = LibC.read(fd, buffer, new NativeLong(want)).longValue();
      if (n < 0 && com.sun.jna.Native.getLastError() == LibC.EINTR) {
        continue;
      }
      if (n <= 0) {
        throw n == 0 ? new EOFException("front-end closed the connection") : new IOException(LibC.error("read"));
      }
      into.put(buffer.getByteBuffer(0, n));
    }
  }

  public void send(ByteBuffer from) throws IOException {
    while (from.hasRemaining()) {
      int n = Math.min(from.remaining(), BUFFER);
      buffer.getByteBuffer(0, n).put(from.slice(from.position(), n));
      long w = LibC.write(fd, buffer, new NativeLong(n)).longValue();
      if (w < 0 && com.sun.jna.Native.getLastError() == LibC.EINTR) {
        continue;
      }
      if (w < 0) {
        throw new IOException(LibC.error("write"));
      }
      from.position(from.position() + (int) w);
    }
  }

  /** Sends {@code from} in one message with {@code fd} as ancillary data (a reply that hands over shared memory). */
  public void send(ByteBuffer from, int fd) throws IOException {
    int n = from.remaining();
    if (n > BUFFER) {
      throw new IOException("message of " + n + " bytes exceeds " + BUFFER);
    }
    buffer.getByteBuffer(0, n).put(from);
    msg.clear();
    control.clear();
    iov.setPointer(0, buffer);
    iov.setLong(8, n);
    msg.setPointer(16, iov);
    msg.setLong(24, 1);
    msg.setPointer(32, control);
    msg.setLong(40, CMSGHDR + 8);
    // struct cmsghdr: cmsg_len counts the header and one int; the control length is that rounded up to 8.
    control.setLong(0, CMSGHDR + 4);
    control.setInt(8, LibC.SOL_SOCKET);
    control.setInt(12, LibC.SCM_RIGHTS);
    control.setInt(CMSGHDR, fd);
    long w;
    do {
      w = LibC.sendmsg(this.fd, msg, LibC.MSG_NOSIGNAL).longValue();
    } while (w < 0 && com.sun.jna.Native.getLastError() == LibC.EINTR);
    if (w != n) {
      throw new IOException(w < 0 ? LibC.error("sendmsg") : "sendmsg sent " + w + " of " + n + " bytes");
    }
  }

  /** Wakes a blocked {@link #receive}; the reader then sees end of stream. */
  public void shutdown() {
    LibC.shutdown(fd, LibC.SHUT_RDWR);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      LibC.close(fd);
    }
  }
}
