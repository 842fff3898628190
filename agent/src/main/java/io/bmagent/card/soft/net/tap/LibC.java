package io.bmagent.card.soft.net.tap;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls a TAP device needs, bound by JNA direct mapping, which avoids the reflection of interface
 * mapping on every read and write. Sizes ({@code size_t}, {@code ssize_t}, {@code nfds_t}) are Java longs, as they
 * are on LP64 Linux: a NativeLong return costs JNA an object allocated through JNI and a reflective conversion per
 * call, which showed in the profile of every frame. The per-frame calls take buffer addresses as longs too
 * ({@link Pointer#nativeValue}), so that JNA passes only primitives, with no JNI call back into the JVM to read a
 * Pointer's address for each argument.
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
  /** Each frame read or written is preceded by a struct virtio_net_hdr (linux/virtio_net.h), 10 bytes. */
  static final short IFF_VNET_HDR = 0x4000;
  /** Several descriptors attach to one device, each a queue of its own (Documentation/networking/tuntap.rst, 3.3). */
  static final short IFF_MULTI_QUEUE = 0x0100;
  /** _IOW('T', 208, unsigned int): the offloads the reader of the device handles. */
  static final long TUNSETOFFLOAD = 0x400454d0L;
  /** The reader completes checksums the host leaves partial. */
  static final int TUN_F_CSUM = 0x01;
  /** The reader segments TCP over IPv4 (needs TUN_F_CSUM). */
  static final int TUN_F_TSO4 = 0x02;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int open(String path, int flags);

  static native int ioctl(int fd, NativeLong request, Pointer arg);

  static native int ioctl(int fd, NativeLong request, NativeLong arg);

  static native long read(int fd, long buf, long count);

  static native long write(int fd, long buf, long count);

  static native int poll(long fds, long nfds, int timeout);

  static native int close(int fd);
}
