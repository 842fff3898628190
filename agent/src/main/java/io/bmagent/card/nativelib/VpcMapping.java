package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_vpc_mapping}: overlay address to VTEP, keyed by (vni, overlay_ipv4). */
@FieldOrder({"vni", "overlay_ipv4", "underlay_ipv4", "mac", "pad0"})
public class VpcMapping extends BmdpuStructure {
  public int vni;
  public int overlay_ipv4;
  public int underlay_ipv4;
  public byte[] mac = new byte[6];
  public byte[] pad0 = new byte[2];

  public VpcMapping() {
    super();
  }

  public VpcMapping(Pointer p) {
    super(p);
  }
}
