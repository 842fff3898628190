package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;
import java.util.Arrays;

/**
 * {@code bmdpu_nvmf_target}: where {@code bmdpu_nvmf_connect} connects, and what
 * {@code bmdpu_nvmf_get_target} reads back (with the secret zeroed). Holds the DH-HMAC-CHAP
 * secret, so {@link #toString()} leaves the secret out and {@link #wipeSecret()} clears it from
 * both the Java copy and the native memory once the call has returned.
 */
@FieldOrder({"conn_id", "transport", "flags", "address", "service_id", "subsys_nqn", "host_nqn",
    "dhchap_secret"})
public class NvmfTarget extends BmdpuStructure {
  public byte[] conn_id = new byte[BmdpuLibrary.BMDPU_ID_MAX];
  public int transport;
  /** {@code BMDPU_NVMF_HDGST | BMDPU_NVMF_DDGST}: the digests to ask for (TCP only). */
  public int flags;
  public byte[] address = new byte[BmdpuLibrary.BMDPU_ADDR_MAX];
  public byte[] service_id = new byte[BmdpuLibrary.BMDPU_SERVICE_ID_MAX];
  public byte[] subsys_nqn = new byte[BmdpuLibrary.BMDPU_NQN_MAX];
  public byte[] host_nqn = new byte[BmdpuLibrary.BMDPU_NQN_MAX];
  public byte[] dhchap_secret = new byte[BmdpuLibrary.BMDPU_SECRET_MAX];

  public NvmfTarget() {
    super();
  }

  /** A target without a secret; see {@link #secret(char[])}. */
  public NvmfTarget(String connId, int transport, String address, String serviceId,
      String subsysNqn, String hostNqn) {
    putString(conn_id, connId, "conn_id");
    this.transport = transport;
    putString(this.address, address, "address");
    putString(service_id, serviceId, "service_id");
    putString(subsys_nqn, subsysNqn, "subsys_nqn");
    putString(host_nqn, hostNqn, "host_nqn");
  }

  /** Sets the secret from characters the caller can wipe, never from a String. */
  public NvmfTarget secret(char[] secret) {
    if (secret.length >= dhchap_secret.length) {
      throw new IllegalArgumentException("dhchap_secret longer than " + (dhchap_secret.length - 1));
    }
    Arrays.fill(dhchap_secret, (byte) 0);
    for (int i = 0; i < secret.length; i++) {
      if (secret[i] > 0x7e || secret[i] < 0x20) {
        throw new IllegalArgumentException("dhchap_secret must be printable ASCII");
      }
      dhchap_secret[i] = (byte) secret[i];
    }
    return this;
  }

  /** Zeroes the secret here and in native memory. */
  public void wipeSecret() {
    Arrays.fill(dhchap_secret, (byte) 0);
    writeField("dhchap_secret");
  }

  public String connId() {
    return getString(conn_id);
  }

  public String address() {
    return getString(address);
  }

  public String serviceId() {
    return getString(service_id);
  }

  public String subsysNqn() {
    return getString(subsys_nqn);
  }

  public String hostNqn() {
    return getString(host_nqn);
  }

  @Override
  public String toString() {
    return "NvmfTarget[" + connId() + " " + getString(address) + ":" + getString(service_id)
        + " " + getString(subsys_nqn) + "]";
  }
}
