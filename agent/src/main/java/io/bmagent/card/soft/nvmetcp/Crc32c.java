package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** HDGST/DDGST: CRC32C of the covered bytes, sent little-endian (NVMe/TCP 3.3.2.1). */
final class Crc32c {
  private Crc32c() {
  }

  static int of(ByteBuf buf, int index, int length) {
    CRC32C crc = new CRC32C();
    if (buf.nioBufferCount() == 1) {
      crc.update(buf.nioBuffer(index, length));
    } else {
      for (ByteBuffer b : buf.nioBuffers(index, length)) {
        crc.update(b);
      }
    }
    return (int) crc.getValue();
  }
}
