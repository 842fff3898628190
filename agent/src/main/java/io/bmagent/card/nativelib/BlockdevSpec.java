package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_blockdev_spec}: an emulated block device for {@code bmdpu_blockdev_attach}. */
@FieldOrder({"size_bytes", "qos_iops", "qos_bytes_per_sec", "type", "slot", "nsid", "block_size",
    "num_queues", "pad0", "conn_id", "serial", "pad1", "boot", "pad2"})
public class BlockdevSpec extends BmdpuStructure {
  public long size_bytes;
  public long qos_iops;
  public long qos_bytes_per_sec;
  public int type;
  public int slot = BmdpuLibrary.BMDPU_SLOT_ANY;
  public int nsid;
  public int block_size;
  public int num_queues;
  public int pad0;
  public byte[] conn_id = new byte[BmdpuLibrary.BMDPU_ID_MAX];
  public byte[] serial = new byte[BmdpuLibrary.BMDPU_SERIAL_MAX];
  public byte[] pad1 = new byte[3];
  public int boot;
  public int pad2;

  public BlockdevSpec() {
    super();
  }

  public BlockdevSpec(Pointer p) {
    super(p);
  }

  /** A device of {@code type} backed by namespace {@code nsid} of a connection; serial is the volume id. */
  public BlockdevSpec(int type, String connId, int nsid, String serial, long sizeBytes,
      int blockSize, int numQueues) {
    this.type = type;
    putString(conn_id, connId, "conn_id");
    this.nsid = nsid;
    putString(this.serial, serial, "serial");
    this.size_bytes = sizeBytes;
    this.block_size = blockSize;
    this.num_queues = numQueues;
  }

  public String connId() {
    return getString(conn_id);
  }

  public String serial() {
    return getString(serial);
  }
}
