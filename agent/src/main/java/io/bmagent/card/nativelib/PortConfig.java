package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_port_config}: the host port's addressing; IPv4 addresses in host byte order. */
@FieldOrder({"mac", "pad0", "ipv4", "prefix_len", "vni", "gateway_ipv4", "mtu", "pad1"})
public class PortConfig extends BmdpuStructure {
    public byte[] mac = new byte[6];
    public byte[] pad0 = new byte[2];
    public int ipv4;
    public int prefix_len;
    public int vni;
    public int gateway_ipv4;
    public int mtu;
    public int pad1;
}
