package io.bmagent.card.soft.net.packet;

/**
 * TCP segmentation offload done on the card: a host that hands over TCP segments larger than its MTU (a TAP with
 * TSO, RFC 9293 3.7.1's MSS being the host's promise of what each wire segment carries) gets them cut into segments
 * of at most {@code mss} payload bytes, each a complete frame: headers copied, IPv4 total length, identification
 * (counting up, as Linux's TSO does) and header checksum, TCP sequence number and checksum rewritten; FIN and PSH
 * only on the last segment, CWR only on the first (RFC 3168, 6.1.2). Also completes the checksums a host leaves to
 * the device ({@link #completeChecksum}).
 */
public final class TcpSegmenter {

  private TcpSegmenter() {}

  /** Receives each segment; the bytes are the segmenter's again when it returns. */
  @FunctionalInterface
  public interface Sink {
    void segment(byte[] b, int off, int len);
  }

  /**
   * Cuts the IPv4/TCP frame at {@code b[off..off+len)} into segments built in {@code out} at {@code outOff} and
   * hands each to {@code sink}. Returns false, handing nothing over, when the frame is not IPv4 and TCP.
   */
  public static boolean segment(byte[] b, int off, int len, int mss, byte[] out, int outOff, Sink sink) {
    if (Ethernet.type(b, off, len) != Ethernet.TYPE_IPV4) {
      return false;
    }
    int ip = off + Ethernet.headerLength(b, off);
    if (ip + Ipv4.MIN_HEADER > off + len || Ipv4.protocol(b, ip) != Ipv4.PROTO_TCP) {
      return false;
    }
    int tcp = ip + Ipv4.headerLength(b, ip);
    int end = Math.min(off + len, ip + Ipv4.totalLength(b, ip));
    if (tcp + Tcp.MIN_HEADER > end || mss <= 0) {
      return false;
    }
    int payload = tcp + ((b[tcp + 12] & 0xf0) >>> 2);
    int headers = payload - off;
    int seq = Bytes.i32(b, tcp + 4);
    int id = Ipv4.identification(b, ip);
    int flags = b[tcp + 13] & 0xff;
    int ipAt = outOff + (ip - off);
    int tcpAt = outOff + (tcp - off);
    for (int at = payload, i = 0; at < end || i == 0; at += mss, i++) {
      int chunk = Math.min(mss, end - at);
      System.arraycopy(b, off, out, outOff, headers);
      System.arraycopy(b, at, out, outOff + headers, chunk);
      boolean last = at + chunk >= end;
      Bytes.put16(out, ipAt + 2, (payload - ip) + chunk);
      Bytes.put16(out, ipAt + 4, id + i);
      Ipv4.updateChecksum(out, ipAt);
      Bytes.put32(out, tcpAt + 4, seq + (at - payload));
      out[tcpAt + 13] = (byte) (flags & ~(last ? 0 : Tcp.FIN | Tcp.PSH) & ~(i == 0 ? 0 : 0x80));
      Tcp.updateChecksum(out, ipAt, tcpAt, (payload - tcp) + chunk);
      sink.segment(out, outOff, headers + chunk);
    }
    return true;
  }

  /**
   * Completes a checksum the host left partial: the field at {@code start + offset} holds the pseudo-header's sum,
   * and the ones' complement of the sum from {@code start} to the end goes there (the virtio-net header's
   * NEEDS_CSUM). Returns false when the offsets fall outside the frame.
   */
  public static boolean completeChecksum(byte[] b, int off, int len, int start, int offset) {
    if (start < 0 || start + offset + 2 > len) {
      return false;
    }
    int sum = Checksum.finish(Checksum.add(0, b, off + start, len - start));
    // 0 and 0xFFFF are the same in ones' complement, but 0 means "no checksum" to UDP (RFC 768).
    Bytes.put16(b, off + start + offset, sum == 0 ? 0xFFFF : sum);
    return true;
  }
}
