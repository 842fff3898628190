package io.bmagent.card.soft.net.tap;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls a TAP device needs, bound by JNA direct mapping, which avoids the reflection of interface
 * mapping on every read and write.
 */
final class LibC {

  static final int O_RDWR = 2;
  static final int O_NONBLOCK = 0x800;
  static final int POLLIN = 0x0001;
  /** _IOW('T', 202, int) from linux/if_tun.h. */
  static final long TUNSETIFF = 0x400454caL;
  static final short IFF_TAP = 0x0002;
  /** No 4-byte packet information prefix: reads and writes are bare Ethernet frames. */
  static final short IFF_NO_PI = 0x1000;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int open(String path, int flags);

  static native int ioctl(int fd, NativeLong request, Pointer arg);

  static native NativeLong read(int fd, Pointer buf, NativeLong count);

  static native NativeLong write(int fd, Pointer buf, NativeLong count);

  static native int poll(Pointer fds, NativeLong nfds, int timeout);

  static native int close(int fd);
}
