package io.bmagent.card.soft.vhost.blk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Byte ranges of a chain's buffers, seen as one stream, as Netty buffers over guest memory (no copy). */
final class GuestBuffers {

  private GuestBuffers() {}

  static long length(List<ByteBuffer> buffers) {
    long n = 0;
    for (ByteBuffer b : buffers) {
      n += b.remaining();
    }
    return n;
  }

  /** {@code len} bytes from {@code skip} into the stream of {@code buffers}. */
  static List<ByteBuffer> range(List<ByteBuffer> buffers, long skip, long len) {
    List<ByteBuffer> out = new ArrayList<>(buffers.size());
    for (ByteBuffer b : buffers) {
      if (len == 0) {
        break;
      }
      int size = b.remaining();
      if (skip >= size) {
        skip -= size;
        continue;
      }
      int n = (int) Math.min(size - skip, len);
      out.add(b.slice(b.position() + (int) skip, n));
      skip = 0;
      len -= n;
    }
    return out;
  }

  /** A buffer to read from: readable bytes are the range. */
  static ByteBuf source(List<ByteBuffer> range) {
    return Unpooled.wrappedBuffer(range.toArray(ByteBuffer[]::new));
  }

  /** A buffer to fill: empty, with the range as its writable capacity. */
  static ByteBuf destination(List<ByteBuffer> range) {
    return Unpooled.wrappedBuffer(range.toArray(ByteBuffer[]::new)).clear();
  }
}
