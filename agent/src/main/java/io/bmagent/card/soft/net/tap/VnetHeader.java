package io.bmagent.card.soft.net.tap;

import io.bmagent.card.soft.net.FrameSink;
import io.bmagent.card.soft.net.packet.TcpSegmenter;

/**
 * What a TAP with {@code IFF_VNET_HDR} puts in front of each frame the host sends: struct virtio_net_hdr
 * (Virtio 1.2, 5.1.6: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset; little-endian, as the legacy
 * header of a TAP on a little-endian machine), and what the card does with it before its pipeline sees the frame:
 * complete a partial checksum, cut a TSO segment into MTU-sized ones. The host then hands 64 KiB at a time to the
 * device instead of one segment per write, and leaves checksums to it.
 */
final class VnetHeader {

  static final int LENGTH = 10;
  private static final int F_NEEDS_CSUM = 1;
  private static final int GSO_NONE = 0;
  private static final int GSO_TCPV4 = 1;

  private final byte[] segments;
  private final int headroom;

  /** @param headroom where each segment starts in its buffer, as the pipeline needs room in front */
  VnetHeader(int maxFrame, int headroom) {
    this.segments = new byte[headroom + maxFrame];
    this.headroom = headroom;
  }

  /**
   * Hands the frame at {@code b[off..off+len)}, whose header is {@code b[off-LENGTH..off)}, to {@code sink} as one or
   * more complete frames. Returns false for a frame it cannot make whole (an offload it did not ask for, offsets
   * outside the frame), which is then dropped.
   */
  boolean deliver(byte[] b, int off, int len, FrameSink sink) {
    int h = off - LENGTH;
    int flags = b[h] & 0xff;
    int gso = b[h + 1] & 0x7f;
    int gsoSize = u16(b, h + 4);
    if (gso == GSO_NONE) {
      if ((flags & F_NEEDS_CSUM) != 0 && !TcpSegmenter.completeChecksum(b, off, len, u16(b, h + 6), u16(b, h + 8))) {
        return false;
      }
      sink.send(b, off, len);
      return true;
    }
    if (gso != GSO_TCPV4 || !TcpSegmenter.segment(b, off, len, gsoSize, segments, headroom, sink::sendHeld)) {
      return false;
    }
    sink.flush();
    return true;
  }

  private static int u16(byte[] h, int at) {
    return (h[at] & 0xff) | (h[at + 1] & 0xff) << 8;
  }
}
