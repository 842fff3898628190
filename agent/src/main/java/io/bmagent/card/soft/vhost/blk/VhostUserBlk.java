package io.bmagent.card.soft.vhost.blk;

import io.bmagent.card.soft.storage.BlockRequest;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.card.soft.vhost.DescriptorChain;
import io.bmagent.card.soft.vhost.VhostUserDevice;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * virtio-blk requests (virtio 1.1, 5.2.6) turned into {@link BlockRequest}s. Sectors are 512 bytes whatever the
 * device's block size; the driver honours {@code blk_size}, so a request that is not whole blocks is an I/O error.
 */
public final class VhostUserBlk implements VhostUserDevice {

  static final int T_IN = 0;
  static final int T_OUT = 1;
  static final int T_FLUSH = 4;
  static final int T_GET_ID = 8;
  static final int T_DISCARD = 11;
  static final int T_WRITE_ZEROES = 13;
  static final byte S_OK = 0;
  static final byte S_IOERR = 1;
  static final byte S_UNSUPP = 2;
  /** 5.2.3 feature bits. */
  static final int F_SEG_MAX = 2;
  static final int F_BLK_SIZE = 6;
  static final int F_FLUSH = 9;
  static final int F_MQ = 12;
  static final int F_DISCARD = 13;
  static final int F_WRITE_ZEROES = 14;
  static final int RING_INDIRECT_DESC = 28;
  private static final int HEADER = 16;
  /** struct virtio_blk_discard_write_zeroes: sector, num_sectors, flags. */
  private static final int RANGE = 16;
  /** Segments per request: with indirect descriptors the ring size does not bound a chain. */
  private static final int SEG_MAX = 254;
  /** 4 MiB per discard or write-zeroes request. */
  private static final int OP_SECTORS = 8192;

  private final HostBlockDevice device;
  private final int queues;
  private final int sectorsPerBlock;

  public VhostUserBlk(HostBlockDevice device, int queues) {
    this.device = device;
    this.queues = queues;
    this.sectorsPerBlock = device.blockSize() / BlkConfig.SECTOR;
  }

  @Override
  public long features() {
    long f = bit(F_SEG_MAX) | bit(F_BLK_SIZE) | bit(F_FLUSH) | bit(F_DISCARD) | bit(F_WRITE_ZEROES)
        | bit(RING_INDIRECT_DESC);
    return queues > 1 ? f | bit(F_MQ) : f;
  }

  private static long bit(int n) {
    return 1L << n;
  }

  @Override
  public int maxQueues() {
    return queues;
  }

  @Override
  public byte[] config() {
    return BlkConfig.encode(device.capacityBytes(), device.blockSize(), SEG_MAX, queues, OP_SECTORS);
  }

  @Override
  public boolean tracksInflight() {
    return true;
  }

  @Override
  public void handle(int queue, DescriptorChain chain) {
    List<ByteBuffer> in = chain.readable();
    List<ByteBuffer> out = chain.writable();
    long writable = GuestBuffers.length(out);
    if (GuestBuffers.length(in) < HEADER || writable < 1) {
      // 5.2.6: no room for the status byte means nothing can be reported; give the chain back untouched.
      chain.complete(0);
      return;
    }
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    GuestBuffers.range(in, 0, HEADER).forEach(header::put);
    int type = header.getInt(0);
    long sector = header.getLong(8);
    long data = writable - 1;
    switch (type) {
      case T_IN -> io(chain, sector, data, true);
      case T_OUT -> io(chain, sector, GuestBuffers.length(in) - HEADER, false);
      case T_FLUSH -> finish(chain, device.submit(BlockRequest.flush()), 0, null);
      case T_GET_ID -> getId(chain, data);
      case T_DISCARD, T_WRITE_ZEROES -> ranges(chain, type);
      default -> status(chain, S_UNSUPP, 0);
    }
  }

  private void io(DescriptorChain chain, long sector, long bytes, boolean read) {
    int blockSize = device.blockSize();
    if (sector % sectorsPerBlock != 0 || bytes % blockSize != 0 || bytes == 0 || bytes > Integer.MAX_VALUE) {
      status(chain, S_IOERR, 0);
      return;
    }
    long lba = sector / sectorsPerBlock;
    int blocks = (int) (bytes / blockSize);
    ByteBuf buf = read ? GuestBuffers.destination(GuestBuffers.range(chain.writable(), 0, bytes))
        : GuestBuffers.source(GuestBuffers.range(chain.readable(), HEADER, bytes));
    BlockRequest r = read ? BlockRequest.read(lba, blocks, buf) : BlockRequest.write(lba, blocks, buf);
    finish(chain, device.submit(r), read ? (int) bytes : 0, buf);
  }

  /** The 20-byte serial, NUL-padded (5.2.6: shorter strings are NUL-terminated); Linux shows it as the id. */
  private void getId(DescriptorChain chain, long room) {
    byte[] serial = device.serial().getBytes(StandardCharsets.US_ASCII);
    byte[] id = new byte[HostBlockDevice.SERIAL_BYTES];
    System.arraycopy(serial, 0, id, 0, serial.length);
    int n = (int) Math.min(room, id.length);
    int at = 0;
    for (ByteBuffer b : GuestBuffers.range(chain.writable(), 0, n)) {
      int k = b.remaining();
      b.put(id, at, k);
      at += k;
    }
    status(chain, S_OK, n);
  }

  private void ranges(DescriptorChain chain, int type) {
    long bytes = GuestBuffers.length(chain.readable()) - HEADER;
    if (bytes <= 0 || bytes % RANGE != 0) {
      status(chain, S_IOERR, 0);
      return;
    }
    ByteBuffer segs = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    GuestBuffers.range(chain.readable(), HEADER, bytes).forEach(segs::put);
    CompletableFuture<?>[] done = new CompletableFuture<?>[(int) (bytes / RANGE)];
    for (int i = 0; i < done.length; i++) {
      long sector = segs.getLong(i * RANGE);
      long count = Integer.toUnsignedLong(segs.getInt(i * RANGE + 8));
      if (sector % sectorsPerBlock != 0 || count % sectorsPerBlock != 0 || count == 0) {
        status(chain, S_IOERR, 0);
        return;
      }
      long lba = sector / sectorsPerBlock;
      int blocks = (int) (count / sectorsPerBlock);
      done[i] = device.submit(type == T_DISCARD ? BlockRequest.discard(lba, blocks)
          : BlockRequest.writeZeroes(lba, blocks));
    }
    finish(chain, CompletableFuture.allOf(done), 0, null);
  }

  private static void finish(DescriptorChain chain, CompletableFuture<?> f, int written, ByteBuf buf) {
    f.whenComplete((v, e) -> {
      if (buf != null) {
        buf.release();
      }
      status(chain, e == null ? S_OK : S_IOERR, e == null ? written : 0);
    });
  }

  /** Writes the status byte, the last writable byte of the chain, and returns the chain. */
  private static void status(DescriptorChain chain, byte status, int written) {
    List<ByteBuffer> out = chain.writable();
    ByteBuffer last = out.get(out.size() - 1);
    last.put(last.limit() - 1, status);
    chain.complete(written + 1);
  }
}
