package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;

/**
 * {@code bmdpu_port_config}: the host port's addressing, the caller's NIC id and the DNS servers
 * offered over DHCP; IPv4 addresses in host byte order.
 */
@FieldOrder({"mac", "pad0", "ipv4", "prefix_len", "vni", "gateway_ipv4", "mtu", "pad1", "nic_id", "dns_ipv4",
    "dns_count", "pad2"})
public class PortConfig extends BmdpuStructure {
  public byte[] mac = new byte[6];
  public byte[] pad0 = new byte[2];
  public int ipv4;
  public int prefix_len;
  public int vni;
  public int gateway_ipv4;
  public int mtu;
  public int pad1;
  public byte[] nic_id = new byte[BmdpuLibrary.BMDPU_ID_MAX];
  public int[] dns_ipv4 = new int[BmdpuLibrary.BMDPU_DNS_MAX];
  public int dns_count;
  public int pad2;

  public void nicId(String id) {
    putString(nic_id, id, "nic_id");
  }

  public String nicId() {
    return getString(nic_id);
  }
}
