package io.bmagent.lab.target;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A namespace stored in a file through positional {@link FileChannel} I/O. Snapshots are full file
 * copies next to the original; {@link #flush()} forces data to the device, which is what an NVMe
 * Flush promises once a volatile write cache is reported.
 */
public final class FileBacking implements Backing {
  private static final ByteBuffer ZEROES = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();
  private static final AtomicInteger SNAPSHOTS = new AtomicInteger();
  private final Path path;
  private final long size;
  private final FileChannel ch;

  /** Opens or creates {@code path} and sizes it to {@code size} (sparse where the file system allows). */
  public FileBacking(Path path, long size) throws IOException {
    this.path = path;
    this.size = size;
    this.ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (ch.size() < size) {
      ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuf dst, int length) throws IOException {
    int done = 0;
    while (done < length) {
      int n = dst.writeBytes(ch, offset + done, length - done);
      if (n < 0) {
        dst.writeZero(length - done);
        return;
      }
      done += n;
    }
  }

  @Override
  public void write(long offset, ByteBuf src) throws IOException {
    int length = src.readableBytes();
    for (int done = 0; done < length; ) {
      done += src.getBytes(src.readerIndex() + done, ch, offset + done, length - done);
    }
  }

  @Override
  public void zero(long offset, long length, boolean deallocate) throws IOException {
    for (long done = 0; done < length; ) {
      ByteBuffer z = ZEROES.duplicate();
      z.limit((int) Math.min(z.capacity(), length - done));
      while (z.hasRemaining()) {
        done += ch.write(z, offset + done);
      }
    }
  }

  @Override
  public void flush() throws IOException {
    ch.force(false);
  }

  @Override
  public Backing snapshot() throws IOException {
    ch.force(false);
    Path copy = path.resolveSibling(path.getFileName() + ".snap" + SNAPSHOTS.incrementAndGet());
    Files.copy(path, copy, StandardCopyOption.REPLACE_EXISTING);
    return new FileBacking(copy, size);
  }

  @Override
  public void restoreFrom(Backing source) throws IOException {
    if (source instanceof FileBacking f) {
      f.ch.force(false);
      synchronized (this) {
        ch.position(0);
        for (long done = 0, n = 1; done < size && n > 0; done += n) {
          n = f.ch.transferTo(done, size - done, ch);
        }
      }
    } else {
      Backing.copy(source, this);
    }
  }

  @Override
  public void close() throws IOException {
    ch.close();
  }
}
