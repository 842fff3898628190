package io.bmagent.lab.target;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;

/** Byte storage behind a namespace. Implementations are thread-safe; offsets are in bytes. */
public interface Backing extends AutoCloseable {
  long size();

  /** Appends {@code length} bytes at {@code offset} to {@code dst}; never-written bytes read as zero. */
  void read(long offset, ByteBuf dst, int length) throws IOException;

  /** Writes the readable bytes of {@code src} at {@code offset} without moving its indices. */
  void write(long offset, ByteBuf src) throws IOException;

  /** Makes the range read as zero; {@code deallocate} allows releasing the space. */
  void zero(long offset, long length, boolean deallocate) throws IOException;

  /** Makes previous writes durable. */
  void flush() throws IOException;

  /** A point-in-time copy; later writes to either side do not show in the other. */
  Backing snapshot() throws IOException;

  /** Replaces the whole content with that of {@code source}. */
  void restoreFrom(Backing source) throws IOException;

  @Override
  void close() throws IOException;

  /** Copies everything through a bounded buffer; used between different backing kinds. */
  static void copy(Backing from, Backing to) throws IOException {
    int chunk = 1 << 20;
    ByteBuf buf = Unpooled.buffer(chunk);
    try {
      for (long off = 0; off < Math.min(from.size(), to.size()); off += chunk) {
        int n = (int) Math.min(chunk, Math.min(from.size(), to.size()) - off);
        buf.clear();
        from.read(off, buf, n);
        to.write(off, buf);
      }
    } finally {
      buf.release();
    }
  }
}
