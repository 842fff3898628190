package io.bmagent.card.soft.net.underlay;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * The underlay's sending side: UDP sockets on the card's underlay address, one per bucket of the outer source port,
 * bound to a port in that bucket's slice of the dynamic range, so that each flow leaves from the port its hash picks
 * (RFC 7348, 5: entropy for the underlay's ECMP and the receivers' RSS). A socket refuses rather than fragments
 * ({@code IP_PMTUDISC_DO}: DF set, RFC 7348, 4.3). Consecutive VXLAN packets of one flow and size are held and
 * sent as one UDP GSO datagram ({@code UDP_SEGMENT}), which the kernel cuts on the way out or hands whole to a device
 * that segments: one system call and one trip through the stack for up to {@link #MAX_SEGMENTS} packets. Used from
 * one thread at a time (the callers synchronize).
 */
final class UdpSockets implements AutoCloseable {

  static final int BUCKETS = 256;
  private static final int SLICE = 16_384 / BUCKETS;
  private static final int MAX_SEGMENTS = 64;
  private static final int MAX_BATCH = 65_000;
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final int IPPROTO_IP = 0;
  private static final int IP_MTU_DISCOVER = 10;
  private static final int IP_PMTUDISC_DO = 2;
  private static final int SOL_UDP = 17;
  private static final int UDP_SEGMENT = 103;
  private static final int EIO = 5;
  private static final int EINVAL = 22;
  private static final int ENOPROTOOPT = 92;

  static {
    Native.register(Platform.C_LIBRARY_NAME);
  }

  private final int localIp;
  private final int port;
  private final int[] fds = new int[BUCKETS];
  /** The UDP_SEGMENT size each socket has now, 0 for none. */
  private final int[] segmentSize = new int[BUCKETS];
  private final Memory batch = new Memory(MAX_BATCH);
  private final Memory address = new Memory(16);
  private final long addressValue = Pointer.nativeValue(address);
  private final Memory option = new Memory(4);
  private int heldBucket = -1;
  private int heldDst;
  private int heldSize;
  private int heldCount;
  private int heldBytes;
  private boolean gso = true;

  UdpSockets(int localIp, int port) {
    this.localIp = localIp;
    this.port = port;
    Arrays.fill(fds, -1);
    address.clear();
    address.setShort(0, (short) AF_INET);
    address.setShort(2, (short) ((port >>> 8) | (port << 8)));
  }

  /** Holds the packet for a batch of its flow, sending what was held before when it cannot join it. */
  void hold(int dstIp, int sourcePort, byte[] b, int off, int len) {
    int bucket = (sourcePort & 0x3FFF) / SLICE;
    boolean joins = heldCount > 0 && bucket == heldBucket && dstIp == heldDst && len <= heldSize
        && heldCount < MAX_SEGMENTS && heldBytes + len <= MAX_BATCH;
    if (!joins) {
      flush();
      heldBucket = bucket;
      heldDst = dstIp;
      heldSize = len;
    }
    batch.write(heldBytes, b, off, len);
    heldBytes += len;
    heldCount++;
    if (len < heldSize) {
      // Only a batch's last datagram may be shorter.
      flush();
    }
  }

  /** Sends what is held. A datagram the kernel refuses (no route, a full buffer) is lost, as on a wire. */
  void flush() {
    if (heldCount == 0) {
      return;
    }
    int fd = socket(heldBucket);
    if (fd < 0) {
      heldCount = 0;
      heldBytes = 0;
      return;
    }
    if (heldCount == 1) {
      if (segmentSize[heldBucket] != 0 && segmentSize[heldBucket] < heldBytes) {
        segment(heldBucket, fd, 0);
      }
      sendTo(fd, batch, heldBytes);
    } else if (!gso || !segment(heldBucket, fd, heldSize) || !sendTo(fd, batch, heldBytes)) {
      int errno = Native.getLastError();
      if (!gso || errno == EIO || errno == EINVAL || errno == ENOPROTOOPT) {
        // No UDP GSO here (an old kernel, a device without checksum offload): each datagram goes alone.
        gso = false;
        segment(heldBucket, fd, 0);
        for (int at = 0; at < heldBytes; at += heldSize) {
          sendTo(fd, batch.share(at), Math.min(heldSize, heldBytes - at));
        }
      }
    }
    heldCount = 0;
    heldBytes = 0;
  }

  private boolean sendTo(int fd, Pointer data, int len) {
    // Network order on a little-endian machine, as the rest of this class assumes.
    address.setInt(4, Integer.reverseBytes(heldDst));
    return sendto(fd, Pointer.nativeValue(data), len, 0, addressValue, 16) == len;
  }

  private boolean segment(int bucket, int fd, int size) {
    if (segmentSize[bucket] == size) {
      return true;
    }
    option.setInt(0, size);
    if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, option, 4) != 0) {
      return false;
    }
    segmentSize[bucket] = size;
    return true;
  }

  /** The bucket's socket, bound on first use to a free port of its slice; -1 if none is free. */
  private int socket(int bucket) {
    if (fds[bucket] >= 0) {
      return fds[bucket];
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
      return -1;
    }
    option.setInt(0, IP_PMTUDISC_DO);
    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, option, 4);
    Memory local = new Memory(16);
    local.clear();
    local.setShort(0, (short) AF_INET);
    for (int i = 0; i < 4; i++) {
      local.setByte(4 + i, (byte) (localIp >>> (24 - 8 * i)));
    }
    for (int p = 0; p < SLICE; p++) {
      int candidate = 49_152 + bucket * SLICE + p;
      local.setShort(2, (short) ((candidate >>> 8) | (candidate << 8)));
      if (bind(fd, local, 16) == 0) {
        fds[bucket] = fd;
        return fd;
      }
    }
    close(fd);
    return -1;
  }

  @Override
  public void close() {
    for (int i = 0; i < BUCKETS; i++) {
      if (fds[i] >= 0) {
        close(fds[i]);
        fds[i] = -1;
      }
    }
  }

  private static native int socket(int domain, int type, int protocol);

  private static native int bind(int fd, Pointer addr, int addrLen);

  private static native int setsockopt(int fd, int level, int name, Pointer value, int len);

  /**
   * {@code ssize_t} and {@code size_t} as Java longs (LP64): NativeLong would cost an allocation per send; the
   * addresses as longs, so that JNA passes only primitives.
   */
  private static native long sendto(int fd, long buf, long len, int flags, long addr, int addrLen);

  private static native int close(int fd);
}
