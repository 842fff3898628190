package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_nvmf_status}: a connection's path state and how many devices it backs. */
@FieldOrder({"conn_id", "state", "device_refs"})
public class NvmfStatus extends BmdpuStructure {
    public byte[] conn_id = new byte[BmdpuLibrary.BMDPU_ID_MAX];
    public int state;
    public int device_refs;

    public NvmfStatus() {
        super();
    }

    public NvmfStatus(Pointer p) {
        super(p);
    }

    public String connId() {
        return getString(conn_id);
    }
}
