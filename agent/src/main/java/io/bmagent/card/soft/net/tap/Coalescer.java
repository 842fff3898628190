package io.bmagent.card.soft.net.tap;

import com.sun.jna.Memory;
import io.bmagent.card.soft.net.packet.Bytes;
import io.bmagent.card.soft.net.packet.Checksum;
import io.bmagent.card.soft.net.packet.Ethernet;
import io.bmagent.card.soft.net.packet.Ipv4;
import io.bmagent.card.soft.net.packet.Tcp;

/**
 * Receive coalescing towards the host, as Linux's GRO does it: consecutive TCP segments of one flow that the card
 * delivers in one burst become one frame written to the TAP with a virtio-net header saying TSO (gso_type TCPV4,
 * the segment size, the checksum left partial), so the host's stack handles one 64 KiB packet instead of dozens.
 * Segments join only when nothing but the sequence number and the payload differ: the same addresses, ports,
 * acknowledgement, window and options, no flag but ACK and PSH, and every segment but the last of the burst's
 * first segment's size (GRO's rules, tcp_gro_receive). The caller serializes the calls.
 */
final class Coalescer {

  /** A frame of one TCP segment is written as it is. */
  interface Writer {
    void write(Memory buffer, int length);
  }

  private static final int MAX_PAYLOAD = 65_535 - 80;
  private final Memory out;
  private final byte[] held;
  private int length;
  private int segments;
  private int headers;
  private int ip;
  private int tcp;
  private int mss;
  private int nextSeq;

  Coalescer(int maxFrame) {
    this.out = new Memory(VnetHeader.LENGTH + maxFrame);
    this.held = new byte[maxFrame];
  }

  /** Holds a frame for the host, writing what was held before when the frame cannot join it. */
  void hold(byte[] b, int off, int len, Writer writer) {
    if (segments > 0 && joins(b, off, len)) {
      int payload = len - headers;
      System.arraycopy(b, off + headers, held, length, payload);
      length += payload;
      nextSeq += payload;
      segments++;
      held[tcp + 13] |= (byte) (b[off + tcp + 13] & Tcp.PSH);
      if (payload < mss || (b[off + tcp + 13] & Tcp.PSH) != 0 || length + mss > MAX_PAYLOAD) {
        flush(writer);
      }
      return;
    }
    flush(writer);
    if (!start(b, off, len)) {
      write(b, off, len, writer);
    }
  }

  /** Writes what is held. */
  void flush(Writer writer) {
    if (segments == 0) {
      return;
    }
    if (segments == 1) {
      write(held, 0, length, writer);
    } else {
      Bytes.put16(held, ip + 2, length - ip);
      Ipv4.updateChecksum(held, ip);
      // A checksum left partial, as a stack leaves it for TSO: the pseudo-header's sum, not complemented.
      int pseudo = Ipv4.pseudoHeaderSum(held, ip, length - tcp);
      Bytes.put16(held, tcp + 16, ~Checksum.finish(pseudo) & 0xFFFF);
      out.setByte(0, (byte) 1);
      out.setByte(1, (byte) 1);
      out.setShort(2, (short) headers);
      out.setShort(4, (short) mss);
      out.setShort(6, (short) tcp);
      out.setShort(8, (short) 16);
      out.write(VnetHeader.LENGTH, held, 0, length);
      writer.write(out, VnetHeader.LENGTH + length);
    }
    segments = 0;
    length = 0;
  }

  private void write(byte[] b, int off, int len, Writer writer) {
    out.clear(VnetHeader.LENGTH);
    out.write(VnetHeader.LENGTH, b, off, len);
    writer.write(out, VnetHeader.LENGTH + len);
  }

  /** Starts holding the frame if it is a TCP segment with data that others may join. */
  private boolean start(byte[] b, int off, int len) {
    if (len < Ethernet.HEADER + Ipv4.MIN_HEADER + Tcp.MIN_HEADER
        || Bytes.u16(b, off + 12) != Ethernet.TYPE_IPV4 || (b[off + Ethernet.HEADER] & 0xff) != 0x45
        || Ipv4.protocol(b, off + Ethernet.HEADER) != Ipv4.PROTO_TCP) {
      return false;
    }
    int i = Ethernet.HEADER;
    int t = i + Ipv4.MIN_HEADER;
    int h = t + ((b[off + t + 12] & 0xf0) >>> 2);
    if ((Bytes.u16(b, off + i + 6) & 0x3FFF) != 0 || Ipv4.totalLength(b, off + i) != len - i || h >= len
        || (b[off + t + 13] & ~(Tcp.ACK | Tcp.PSH)) != 0 || (b[off + t + 13] & Tcp.PSH) != 0) {
      return false;
    }
    System.arraycopy(b, off, held, 0, len);
    ip = i;
    tcp = t;
    headers = h;
    length = len;
    mss = len - h;
    nextSeq = Bytes.i32(b, off + t + 4) + mss;
    segments = 1;
    return true;
  }

  private boolean joins(byte[] b, int off, int len) {
    if (len <= headers || len - headers > mss || Bytes.i32(b, off + tcp + 4) != nextSeq
        || (Bytes.u16(b, off + ip + 6) & 0x3FFF) != 0 || (b[off + tcp + 13] & ~(Tcp.ACK | Tcp.PSH)) != 0) {
      return false;
    }
    // Ethernet, the IPv4 addresses and protocol, ports, acknowledgement, offset, window and options alike.
    return same(b, off, 0, 14) && held[ip + 1] == b[off + ip + 1] && held[ip + 9] == b[off + ip + 9] && same(b, off, ip + 12, 8)
        && same(b, off, tcp, 4) && same(b, off, tcp + 8, 5) && same(b, off, tcp + 14, 2)
        && same(b, off, tcp + Tcp.MIN_HEADER, headers - tcp - Tcp.MIN_HEADER);
  }

  private boolean same(byte[] b, int off, int at, int n) {
    for (int k = 0; k < n; k++) {
      if (held[at + k] != b[off + at + k]) {
        return false;
      }
    }
    return true;
  }
}
