package io.bmagent.card.soft.vhost.sys;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A front-end memory region mapped into this process: {@code size} bytes at {@code offset} of the region's file
 * descriptor. The whole of {@code offset + size} is mapped from 0, as the offset need not be page aligned.
 * Exposed as direct little-endian {@link ByteBuffer} windows of at most {@link #WINDOW} bytes, because a
 * ByteBuffer is int-indexed and guest memory can exceed 2 GiB.
 */
public final class MappedRegion implements AutoCloseable {

  public static final long WINDOW = 1L << 30;
  private final Pointer base;
  private final long length;
  private final ByteBuffer[] windows;

  public MappedRegion(int fd, long offset, long size) throws IOException {
    this.length = offset + size;
    Pointer p = LibC.mmap(null, new NativeLong(length), LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd,
        new NativeLong(0));
    if (p == null || Pointer.nativeValue(p) == -1L) {
      throw new IOException(LibC.error("mmap of " + length + " bytes"));
    }
    this.base = p;
    int count = (int) ((size + WINDOW - 1) / WINDOW);
    this.windows = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      long start = (long) i * WINDOW;
      windows[i] = p.getByteBuffer(offset + start, Math.min(WINDOW, size - start)).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  /** The window holding region offset {@code off}; windows are {@link #WINDOW} bytes apart. */
  public ByteBuffer window(long off) {
    return windows[(int) (off / WINDOW)];
  }

  @Override
  public void close() {
    LibC.munmap(base, new NativeLong(length));
  }
}
