package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_blockdev_stats}: a device's counters since attach. */
@FieldOrder({"read_ops", "write_ops", "read_bytes", "write_bytes", "errors", "frozen", "path_state"})
public class BlockdevStats extends BmdpuStructure {
    public long read_ops;
    public long write_ops;
    public long read_bytes;
    public long write_bytes;
    public long errors;
    public int frozen;
    public int path_state;
}
