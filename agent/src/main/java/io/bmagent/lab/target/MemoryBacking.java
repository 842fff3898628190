package io.bmagent.lab.target;

import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sparse memory in 1 MiB chunks with copy-on-write snapshots: a snapshot shares every chunk, and
 * a chunk is copied on its first write by a side that does not own it. Unwritten chunks cost nothing.
 */
public final class MemoryBacking implements Backing {
  static final int CHUNK = 1 << 20;
  private final long size;
  private Map<Long, byte[]> chunks;
  /** Chunks this backing may modify in place; shared chunks are absent. */
  private final Set<byte[]> owned = Collections.newSetFromMap(new IdentityHashMap<>());

  public MemoryBacking(long size) {
    this(size, new HashMap<>());
  }

  private MemoryBacking(long size, Map<Long, byte[]> chunks) {
    this.size = size;
    this.chunks = chunks;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public synchronized void read(long offset, ByteBuf dst, int length) {
    for (int done = 0; done < length; ) {
      long pos = offset + done;
      int in = (int) (pos % CHUNK);
      int n = Math.min(length - done, CHUNK - in);
      byte[] c = chunks.get(pos / CHUNK);
      if (c == null) {
        dst.writeZero(n);
      } else {
        dst.writeBytes(c, in, n);
      }
      done += n;
    }
  }

  @Override
  public synchronized void write(long offset, ByteBuf src) {
    int length = src.readableBytes();
    for (int done = 0; done < length; ) {
      long pos = offset + done;
      int in = (int) (pos % CHUNK);
      int n = Math.min(length - done, CHUNK - in);
      src.getBytes(src.readerIndex() + done, writable(pos / CHUNK), in, n);
      done += n;
    }
  }

  private byte[] writable(long index) {
    byte[] c = chunks.get(index);
    if (c == null || !owned.contains(c)) {
      c = c == null ? new byte[CHUNK] : c.clone();
      chunks.put(index, c);
      owned.add(c);
    }
    return c;
  }

  @Override
  public synchronized void zero(long offset, long length, boolean deallocate) {
    for (long done = 0; done < length; ) {
      long pos = offset + done;
      int in = (int) (pos % CHUNK);
      int n = (int) Math.min(length - done, CHUNK - in);
      if (n == CHUNK) {
        owned.remove(chunks.remove(pos / CHUNK));
      } else if (chunks.containsKey(pos / CHUNK)) {
        Arrays.fill(writable(pos / CHUNK), in, in + n, (byte) 0);
      }
      done += n;
    }
  }

  @Override
  public void flush() {
  }

  @Override
  public synchronized Backing snapshot() {
    owned.clear();
    return new MemoryBacking(size, new HashMap<>(chunks));
  }

  @Override
  public void restoreFrom(Backing source) throws IOException {
    if (source instanceof MemoryBacking m && m.size == size) {
      Map<Long, byte[]> copy;
      synchronized (m) {
        m.owned.clear();
        copy = new HashMap<>(m.chunks);
      }
      synchronized (this) {
        chunks = copy;
        owned.clear();
      }
    } else {
      zero(0, size, true);
      Backing.copy(source, this);
    }
  }

  /** Bytes held in chunks, shared or not: what a thin-provisioned volume reports as used. */
  public synchronized long allocatedBytes() {
    return (long) chunks.size() * CHUNK;
  }

  @Override
  public synchronized void close() {
    chunks.clear();
    owned.clear();
  }
}
