package io.bmagent.card.soft.vhost.blk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct virtio_blk_config (virtio 1.1, 5.2.4), little-endian, up to write_zeroes_may_unmap. */
final class BlkConfig {

  static final int SECTOR = 512;
  private static final int SIZE = 60;

  private BlkConfig() {}

  /**
   * @param segMax data segments per request the driver may use (it adds header and status)
   * @param opSectors the largest discard and write-zeroes request, in sectors
   */
  static byte[] encode(long capacityBytes, int blockSize, int segMax, int queues, int opSectors) {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, capacityBytes / SECTOR);
    b.putInt(12, segMax);
    b.putInt(20, blockSize);
    b.putShort(34, (short) queues);
    b.putInt(36, opSectors);
    b.putInt(40, 1);
    b.putInt(44, blockSize / SECTOR);
    b.putInt(48, opSectors);
    b.putInt(52, 1);
    return b.array();
  }
}
