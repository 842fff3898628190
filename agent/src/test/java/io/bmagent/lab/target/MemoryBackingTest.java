package io.bmagent.lab.target;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class MemoryBackingTest {
  @TempDir
  Path dir;

  private static int intAt(Backing b, long off) throws IOException {
    ByteBuf buf = Unpooled.buffer(4);
    b.read(off, buf, 4);
    int v = buf.getInt(0);
    buf.release();
    return v;
  }

  private static void writeInt(Backing b, long off, int v) throws IOException {
    ByteBuf buf = Unpooled.buffer(4).writeInt(v);
    b.write(off, buf);
    buf.release();
  }

  @Test
  void snapshotsAreCopyOnWriteInBothDirections() throws IOException {
    MemoryBacking vol = new MemoryBacking(4L * MemoryBacking.CHUNK);
    writeInt(vol, 10, 1);
    writeInt(vol, MemoryBacking.CHUNK - 2, 0x01020304); // straddles two chunks
    Backing snap = vol.snapshot();
    assertEquals(2 * MemoryBacking.CHUNK, vol.allocatedBytes(), "a snapshot copies no chunk");
    writeInt(vol, 10, 2);
    writeInt(snap, 20, 3);
    assertEquals(2, intAt(vol, 10));
    assertEquals(1, intAt(snap, 10));
    assertEquals(0, intAt(vol, 20));
    assertEquals(0x01020304, intAt(snap, MemoryBacking.CHUNK - 2));
    vol.restoreFrom(snap);
    assertEquals(1, intAt(vol, 10));
    assertEquals(3, intAt(vol, 20));
    writeInt(vol, 10, 4);
    assertEquals(1, intAt(snap, 10), "writes after a restore do not reach the snapshot");
  }

  @Test
  void zeroingAndDeallocationReadBackAsZero() throws IOException {
    MemoryBacking vol = new MemoryBacking(3L * MemoryBacking.CHUNK);
    ByteBuf ones = Unpooled.buffer(3 * MemoryBacking.CHUNK);
    while (ones.isWritable()) {
      ones.writeByte(1);
    }
    vol.write(0, ones);
    ones.release();
    vol.zero(100, 2L * MemoryBacking.CHUNK, true);
    assertEquals(0x01010101, intAt(vol, 96));
    assertEquals(0, intAt(vol, 100));
    assertEquals(0, intAt(vol, MemoryBacking.CHUNK + 50));
    assertEquals(0x01010101, intAt(vol, 2L * MemoryBacking.CHUNK + 100));
    assertTrue(vol.allocatedBytes() < 3L * MemoryBacking.CHUNK, "the whole middle chunk is released");
  }

  @Test
  void fileBackingSnapshotAndRestore() throws IOException {
    try (FileBacking vol = new FileBacking(dir.resolve("v.img"), 1 << 20)) {
      writeInt(vol, 4096, 7);
      try (Backing snap = vol.snapshot()) {
        writeInt(vol, 4096, 8);
        vol.zero(0, 8192, false);
        assertEquals(0, intAt(vol, 4096));
        vol.restoreFrom(snap);
        assertEquals(7, intAt(vol, 4096));
        MemoryBacking mem = new MemoryBacking(1 << 20);
        mem.restoreFrom(vol);
        assertEquals(7, intAt(mem, 4096));
      }
    }
  }
}
