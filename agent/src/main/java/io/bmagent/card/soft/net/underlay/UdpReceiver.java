package io.bmagent.card.soft.net.underlay;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.bmagent.card.soft.net.BusyIdle;
import io.bmagent.card.soft.net.NetPoll;
import io.bmagent.card.soft.net.ReceiveQueue;
import io.bmagent.card.soft.net.TunnelReceiver;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * The underlay's receiving side: the VXLAN socket, read with non-blocking {@code recvfrom} in bursts
 * ({@link #drain}), by the host port's thread beside its TAP ({@link ReceiveQueue}) or by a thread of its own: asleep
 * in {@code poll} while the socket is empty ({@link NetPoll#SLEEP}) or spinning ({@link NetPoll#BUSY},
 * {@link BusyIdle}) until it has been empty for {@link NetPoll#PARK_NANOS}. The end of a burst (the socket empty, or
 * {@link #BURST} datagrams read) flushes what the burst left waiting. One copy, from the native buffer to the
 * pipeline's array; no allocation per packet.
 */
final class UdpReceiver implements ReceiveQueue, AutoCloseable {

  private static final int BURST = 64;
  private static final int MAX_DATAGRAM = 65_536;
  /** How long the own thread waits in poll before looking whether the socket was closed. */
  private static final int POLL_MILLIS = 100;
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final int SO_REUSEPORT = 15;
  private static final int MSG_DONTWAIT = 0x40;
  private static final short POLLIN = 0x0001;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private final int fd;
  private final InetSocketAddress localAddress;
  private final Memory buffer = new Memory(MAX_DATAGRAM);
  private final Memory from = new Memory(16);
  private final Memory fromLength = new Memory(4);
  private final long bufferAddress = Pointer.nativeValue(buffer);
  private final long fromAddress = Pointer.nativeValue(from);
  private final long fromLengthAddress = Pointer.nativeValue(fromLength);
  private final byte[] packet = new byte[MAX_DATAGRAM];
  private TunnelReceiver receiver;
  private Thread thread;
  private volatile boolean closed;

  /**
   * Binds to {@code localIp} and {@code port} as one of a group of sockets on that address (SO_REUSEPORT: the kernel
   * gives each datagram to one of them by a hash of its addresses and ports, so a flow stays on one socket); nothing
   * is read before {@link #start}.
   */
  UdpReceiver(int localIp, int port, int receiveBuffer) {
    this.fd = bound(localIp, port, receiveBuffer, true);
    this.localAddress = new InetSocketAddress(inet(localIp), port);
    fromLength.setInt(0, 16);
  }

  /**
   * The port that {@code port} (0 for any free one) is on {@code localIp}, for a group of {@link UdpReceiver}s to
   * bind to: a socket of its own binds there, without SO_REUSEPORT, and is closed. Fails as a bind does when anything
   * else has the port, so that another agent on the same address is refused rather than joining the group.
   */
  static int freePort(int localIp, int port) {
    int f = bound(localIp, port, 0, false);
    Memory address = new Memory(16);
    Memory length = new Memory(4);
    length.setInt(0, 16);
    getsockname(f, address, length);
    close(f);
    return Short.toUnsignedInt(Short.reverseBytes(address.getShort(2)));
  }

  /** A UDP socket bound to the address; a receive buffer of 0 leaves the kernel's. */
  private static int bound(int localIp, int port, int receiveBuffer, boolean shared) {
    int f = socket(AF_INET, SOCK_DGRAM, 0);
    if (f < 0) {
      throw new IllegalStateException("socket: errno " + Native.getLastError());
    }
    Memory option = new Memory(4);
    if (receiveBuffer > 0) {
      option.setInt(0, receiveBuffer);
      setsockopt(f, SOL_SOCKET, SO_RCVBUF, option, 4);
    }
    if (shared) {
      option.setInt(0, 1);
      setsockopt(f, SOL_SOCKET, SO_REUSEPORT, option, 4);
    }
    Memory address = new Memory(16);
    address.clear();
    address.setShort(0, (short) AF_INET);
    address.setShort(2, (short) ((port >>> 8) | (port << 8)));
    for (int i = 0; i < 4; i++) {
      address.setByte(4 + i, (byte) (localIp >>> (24 - 8 * i)));
    }
    if (bind(f, address, 16) != 0) {
      int errno = Native.getLastError();
      close(f);
      String what = "bind " + text(localIp) + ":" + port + ": errno " + errno
          + (errno == 98 ? " (Address already in use)" : "");
      // The message stands alone: the operator reads it in the agent's one error line, not a class name.
      throw new UncheckedIOException(what, new BindException(what));
    }
    return f;
  }

  InetSocketAddress localAddress() {
    return localAddress;
  }

  /**
   * Hands what arrives to {@code r}: on a thread of this receiver's own waiting as {@code poll} says, or, with
   * null, on the caller's thread, which {@link #drain}s.
   */
  synchronized void start(TunnelReceiver r, NetPoll poll) {
    if (receiver != null) {
      throw new IllegalStateException("already started");
    }
    receiver = r;
    if (poll != null) {
      thread = new Thread(() -> receiveLoop(poll == NetPoll.BUSY), "underlay-rx-" + localAddress.getPort());
      thread.setDaemon(true);
      thread.start();
    }
  }

  @Override
  public int fd() {
    return fd;
  }

  @Override
  public boolean drain() {
    int burst = 0;
    while (burst < BURST) {
      // recvfrom leaves the length at 16 for an IPv4 sender, as it was set.
      int n = (int) recvfrom(fd, bufferAddress, MAX_DATAGRAM, MSG_DONTWAIT, fromAddress, fromLengthAddress);
      if (n < 0) {
        break;
      }
      buffer.read(0, packet, 0, n);
      receiver.receive(Integer.reverseBytes(from.getInt(4)), packet, 0, n);
      burst++;
    }
    if (burst == 0) {
      return false;
    }
    receiver.flush();
    return true;
  }

  private void receiveLoop(boolean busy) {
    BusyIdle idle = new BusyIdle();
    Memory pollFd = new Memory(8);
    pollFd.setInt(0, fd);
    pollFd.setShort(4, POLLIN);
    while (!closed) {
      if (drain()) {
        idle.reset();
      } else if (busy && !idle.idleFor(NetPoll.PARK_NANOS)) {
        idle.idle();
      } else if (poll(Pointer.nativeValue(pollFd), 1, POLL_MILLIS) > 0 && drain()) {
        idle.reset();
      }
    }
  }

  /** Stops the own thread, then closes the socket, so that no read is in flight on a closed descriptor. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      t = thread;
    }
    if (t != null) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close(fd);
  }

  private static String text(int ip) {
    return inet(ip).getHostAddress();
  }

  private static InetAddress inet(int ip) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8),
          (byte) ip});
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static native int socket(int domain, int type, int protocol);

  private static native int bind(int fd, Pointer addr, int addrLen);

  private static native int getsockname(int fd, Pointer addr, Pointer addrLen);

  private static native int setsockopt(int fd, int level, int name, Pointer value, int len);

  /**
   * {@code ssize_t} and {@code size_t} as Java longs (LP64): NativeLong would cost an allocation per read; the
   * addresses as longs, so that JNA passes only primitives.
   */
  private static native long recvfrom(int fd, long buf, long len, int flags, long addr, long addrLen);

  private static native int poll(long fds, long nfds, int timeout);

  private static native int close(int fd);
}
