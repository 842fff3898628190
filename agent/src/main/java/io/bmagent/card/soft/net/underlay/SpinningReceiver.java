package io.bmagent.card.soft.net.underlay;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import io.bmagent.card.soft.net.BusyIdle;
import io.bmagent.card.soft.net.TunnelReceiver;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * The underlay's receiving side for {@link io.bmagent.card.soft.net.NetPoll#BUSY}: a thread of its own spins on
 * non-blocking {@code recvfrom} on the VXLAN socket ({@link BusyIdle}) and never sleeps in {@code epoll_wait}, so a packet is handled as
 * soon as the kernel queues it, without the event loop's wake-up. The end of a burst (the socket empty, or
 * {@link #BURST} datagrams read) flushes what the burst left waiting, as the event loop's read-complete does. One
 * copy, from the native buffer to the pipeline's array; no allocation per packet.
 */
final class SpinningReceiver implements AutoCloseable {

  private static final int BURST = 64;
  private static final int MAX_DATAGRAM = 65_536;
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final int MSG_DONTWAIT = 0x40;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private final int fd;
  private final InetSocketAddress localAddress;
  private final Thread thread;
  private volatile boolean closed;

  /** Binds to {@code localIp} and {@code port} (0 for any) and starts receiving into {@code receiver}. */
  SpinningReceiver(int localIp, int port, int receiveBuffer, TunnelReceiver receiver) {
    int f = socket(AF_INET, SOCK_DGRAM, 0);
    if (f < 0) {
      throw new IllegalStateException("socket: errno " + Native.getLastError());
    }
    Memory option = new Memory(4);
    option.setInt(0, receiveBuffer);
    setsockopt(f, SOL_SOCKET, SO_RCVBUF, option, 4);
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
      throw new UncheckedIOException(new BindException("bind " + text(localIp) + ":" + port + ": errno " + errno
          + (errno == 98 ? " (Address already in use)" : "")));
    }
    Memory length = new Memory(4);
    length.setInt(0, 16);
    getsockname(f, address, length);
    int bound = Short.toUnsignedInt(Short.reverseBytes(address.getShort(2)));
    this.fd = f;
    this.localAddress = new InetSocketAddress(inet(localIp), bound);
    this.thread = new Thread(() -> receiveLoop(receiver), "underlay-rx-" + bound);
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress localAddress() {
    return localAddress;
  }

  private void receiveLoop(TunnelReceiver receiver) {
    Memory buffer = new Memory(MAX_DATAGRAM);
    Memory from = new Memory(16);
    Memory fromLength = new Memory(4);
    NativeLong max = new NativeLong(MAX_DATAGRAM);
    byte[] packet = new byte[MAX_DATAGRAM];
    int burst = 0;
    BusyIdle idle = new BusyIdle();
    while (!closed) {
      fromLength.setInt(0, 16);
      int n = recvfrom(fd, buffer, max, MSG_DONTWAIT, from, fromLength).intValue();
      if (n >= 0) {
        idle.reset();
        buffer.read(0, packet, 0, n);
        int source = Integer.reverseBytes(from.getInt(4));
        receiver.receive(source, packet, 0, n);
        if (++burst < BURST) {
          continue;
        }
      }
      if (burst > 0) {
        receiver.flush();
        burst = 0;
      } else {
        idle.idle();
      }
    }
  }

  /** Stops the thread, then closes the socket, so that no read is in flight on a closed descriptor. */
  @Override
  public void close() {
    closed = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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

  private static native NativeLong recvfrom(int fd, Pointer buf, NativeLong len, int flags, Pointer addr,
      Pointer addrLen);

  private static native int close(int fd);
}
