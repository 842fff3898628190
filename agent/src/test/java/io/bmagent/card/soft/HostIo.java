package io.bmagent.card.soft;

import io.bmagent.card.soft.storage.HostBlockDevice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;

/** The host's side of a block device in tests: whole-block reads and writes that release their buffers. */
final class HostIo {

  private HostIo() {}

  static void write(HostBlockDevice disk, long lba, byte[] data) throws Exception {
    ByteBuf buf = Unpooled.wrappedBuffer(data);
    try {
      disk.write(lba, data.length / disk.blockSize(), buf).get(10, TimeUnit.SECONDS);
    } finally {
      buf.release();
    }
  }

  static byte[] read(HostBlockDevice disk, long lba, int blocks) throws Exception {
    ByteBuf buf = Unpooled.buffer(blocks * disk.blockSize());
    try {
      disk.read(lba, blocks, buf).get(10, TimeUnit.SECONDS);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }
}
