package io.bmagent.card.nativelib;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The card's C ABI v1 ({@code native/include/bmdpu.h}), one method per C function, names kept.
 *
 * <p>Every method except {@link #bmdpu_abi_version()} returns 0 on success or a negative errno;
 * pass the result to {@link BmdpuErrors#check} or {@link BmdpuErrors#checkBatch}, never interpret
 * it elsewhere. Out-parameters come last. Arrays of structs are passed as a {@link Pointer} to a
 * {@link StructArray}. Unsigned C values arrive in Java {@code int}/{@code long} with the same
 * bits: use {@link Integer#toUnsignedLong} where the full range matters. All calls on a card may
 * come from any thread except {@link #bmdpu_card_close}, which must not race with the others.
 */
public interface BmdpuLibrary extends Library {

  int BMDPU_ABI_VERSION = 1;

  int BMDPU_NQN_MAX = 224;
  int BMDPU_ADDR_MAX = 64;
  int BMDPU_SERVICE_ID_MAX = 32;
  int BMDPU_SECRET_MAX = 192;
  int BMDPU_ID_MAX = 64;
  int BMDPU_SERIAL_MAX = 21;
  int BMDPU_NAME_MAX = 32;
  int BMDPU_DNS_MAX = 4;

  int BMDPU_SLOT_ANY = -1;
  long BMDPU_CURSOR_END = -1L;

  long BMDPU_CAP_NVME_EMULATION = 1L;
  long BMDPU_CAP_VIRTIO_BLK = 1L << 1;
  long BMDPU_CAP_NVMF_TCP = 1L << 2;
  long BMDPU_CAP_NVMF_RDMA = 1L << 3;
  long BMDPU_CAP_DHCHAP = 1L << 4;
  long BMDPU_CAP_FREEZE = 1L << 5;
  long BMDPU_CAP_QOS = 1L << 6;
  long BMDPU_CAP_VXLAN = 1L << 7;
  long BMDPU_CAP_NAT = 1L << 8;
  long BMDPU_CAP_NVMF_DIGESTS = 1L << 9;
  int BMDPU_NVMF_HDGST = 1;
  int BMDPU_NVMF_DDGST = 1 << 1;

  int BMDPU_POWER_OFF = 0;
  int BMDPU_POWER_ON = 1;
  int BMDPU_POWER_TRANSITIONING = 2;

  int BMDPU_TRANSPORT_TCP = 1;
  int BMDPU_TRANSPORT_RDMA = 2;

  int BMDPU_PATH_CONNECTED = 1;
  int BMDPU_PATH_DOWN = 2;
  int BMDPU_PATH_RECONNECTING = 3;

  int BMDPU_DEV_NVME = 1;
  int BMDPU_DEV_VIRTIO_BLK = 2;

  int BMDPU_TABLE_ACL_INGRESS = 1;
  int BMDPU_TABLE_ACL_EGRESS = 2;
  int BMDPU_TABLE_SG_INGRESS = 3;
  int BMDPU_TABLE_SG_EGRESS = 4;
  int BMDPU_TABLE_NAT = 5;

  int BMDPU_ACTION_ALLOW = 1;
  int BMDPU_ACTION_DENY = 2;
  int BMDPU_ACTION_SNAT = 3;
  int BMDPU_ACTION_DNAT = 4;

  int BMDPU_EVENT_PATH_DOWN = 1;
  int BMDPU_EVENT_PATH_UP = 2;
  int BMDPU_EVENT_HOST_POWER_CHANGED = 3;
  int BMDPU_EVENT_DEVICE_ERROR = 4;
  int BMDPU_EVENT_FREEZE_TIMEOUT = 5;

  /**
   * {@code bmdpu_event_cb}: runs on the card's own thread. Implementations must copy the event
   * and return at once; they must not close the card or change the subscription.
   */
  interface EventCallback extends Callback {
    void invoke(Pointer event, Pointer userdata);
  }

  /** The ABI version the library implements; a plain value, not an errno. */
  int bmdpu_abi_version();

  /** Opens a card; the handle in {@code out} is the caller's to close. */
  int bmdpu_card_open(String config, PointerByReference out);

  /** Releases the handle; -EDEADLK from the event callback. */
  int bmdpu_card_close(Pointer card);

  int bmdpu_card_get_info(Pointer card, CardInfo out);

  int bmdpu_card_get_limits(Pointer card, Limits out);

  int bmdpu_host_power_on(Pointer card);

  int bmdpu_host_power_off(Pointer card, int force, int gracefulTimeoutMs);

  int bmdpu_host_reset(Pointer card);

  int bmdpu_host_get_power(Pointer card, IntByReference state);

  /**
   * The console's tail into {@code buf}: {@code len} is its capacity in and the bytes copied out; {@code total}
   * and {@code timestampNs} (CLOCK_REALTIME, 0 when nothing was received) as the header says.
   */
  int bmdpu_host_console_read(Pointer card, byte[] buf, IntByReference len, LongByReference total,
      LongByReference timestampNs);

  /** The card copies the target, secret included; wipe it afterwards with {@link NvmfTarget#wipeSecret()}. */
  int bmdpu_nvmf_connect(Pointer card, NvmfTarget target);

  int bmdpu_nvmf_disconnect(Pointer card, String connId);

  int bmdpu_nvmf_get_status(Pointer card, String connId, NvmfStatus out);

  /** The connection's target with the secret zeroed; whether it has one is {@link NvmfStatus#has_secret}. */
  int bmdpu_nvmf_get_target(Pointer card, String connId, NvmfTarget out);

  /** {@code count}: capacity in, connections out; -ERANGE with the number needed when short. */
  int bmdpu_nvmf_list(Pointer card, Pointer out, IntByReference count);

  int bmdpu_blockdev_attach(Pointer card, BlockdevSpec spec, IntByReference slot);

  int bmdpu_blockdev_detach(Pointer card, int slot);

  int bmdpu_blockdev_freeze(Pointer card, int slot, int timeoutMs);

  int bmdpu_blockdev_thaw(Pointer card, int slot);

  /** {@code out}: {@link BlockdevInfo} array; {@code count} as for {@link #bmdpu_nvmf_list}. */
  int bmdpu_blockdev_list(Pointer card, Pointer out, IntByReference count);

  int bmdpu_blockdev_get_stats(Pointer card, int slot, BlockdevStats out);

  int bmdpu_port_configure(Pointer card, int port, PortConfig config);

  int bmdpu_port_remove(Pointer card, int port);

  int bmdpu_port_get(Pointer card, int port, PortConfig out);

  int bmdpu_port_get_counters(Pointer card, int port, PortCounters out);

  /** Applies {@code n} {@link Rule}s in order, stopping at the first failure; {@code applied} is always set. */
  int bmdpu_rules_apply(Pointer card, Pointer rules, int n, IntByReference applied);

  /** Removes {@code n} {@link Rule}s by (table, rule_id); batch convention as {@link #bmdpu_rules_apply}. */
  int bmdpu_rules_remove(Pointer card, Pointer rules, int n, IntByReference removed);

  int bmdpu_rules_list(Pointer card, int table, Pointer out, IntByReference count);

  int bmdpu_rules_get_version(Pointer card, int table, LongByReference version);

  /** Inserts or replaces {@code n} {@link VpcMapping}s; batch convention as {@link #bmdpu_rules_apply}. */
  int bmdpu_vpc_mappings_upsert(Pointer card, Pointer mappings, int n, IntByReference done);

  int bmdpu_vpc_mappings_delete(Pointer card, Pointer mappings, int n, IntByReference done);

  int bmdpu_vpc_mappings_count(Pointer card, IntByReference count);

  /** Iterates from {@code cursor} 0 until it is {@link #BMDPU_CURSOR_END}; {@code count} capacity in, written out. */
  int bmdpu_vpc_mappings_list(Pointer card, LongByReference cursor, Pointer out, IntByReference count);

  int bmdpu_vpc_gateway_set(Pointer card, VpcGateway gw);

  int bmdpu_vpc_gateway_remove(Pointer card, int vni);

  int bmdpu_vpc_gateway_get(Pointer card, int vni, VpcGateway out);

  /** {@code out}: {@link VpcGateway} array in VNI order; {@code count} as for {@link #bmdpu_nvmf_list}. */
  int bmdpu_vpc_gateway_list(Pointer card, Pointer out, IntByReference count);

  /** Replaces the callback ({@code null} unregisters); on return the previous one is not running. */
  int bmdpu_events_subscribe(Pointer card, EventCallback cb, Pointer userdata);

  int BMDPU_METADATA_MAX = 65536;

  /** Replaces the port's metadata document ({@link MetadataBlob}); {@code len} 0 removes it. */
  int bmdpu_metadata_set(Pointer card, int port, byte[] blob, int len);

  /** Copies the port's metadata document; -ENOENT when none, -ENOSPC with {@code len} set when too small. */
  int bmdpu_metadata_get(Pointer card, int port, byte[] buf, int cap, IntByReference len);
}
