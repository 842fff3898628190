package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_vpc_gateway}: where traffic of a VNI that leaves the subnet goes. */
@FieldOrder({"vni", "gateway_ipv4", "underlay_ipv4", "mac", "pad0"})
public class VpcGateway extends BmdpuStructure {
  public int vni;
  public int gateway_ipv4;
  public int underlay_ipv4;
  public byte[] mac = new byte[6];
  public byte[] pad0 = new byte[2];

  public VpcGateway() {
    super();
  }

  public VpcGateway(Pointer p) {
    super(p);
  }
}
