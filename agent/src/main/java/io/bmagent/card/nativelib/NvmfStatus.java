package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code bmdpu_nvmf_status}: a connection's path state, how many devices it backs, whether it
 * was made with a DH-HMAC-CHAP secret and the digests it runs with.
 */
@FieldOrder({"conn_id", "state", "device_refs", "has_secret", "digests"})
public class NvmfStatus extends BmdpuStructure {
  public byte[] conn_id = new byte[BmdpuLibrary.BMDPU_ID_MAX];
  public int state;
  public int device_refs;
  public int has_secret;
  /** {@code BMDPU_NVMF_*} digests in effect, as the target agreed. */
  public int digests;

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
