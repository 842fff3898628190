package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_blockdev_info}: an attached device as listed by {@code bmdpu_blockdev_list}. */
@FieldOrder({"spec", "frozen", "pad0"})
public class BlockdevInfo extends BmdpuStructure {
  public BlockdevSpec spec;
  public int frozen;
  public int pad0;

  public BlockdevInfo() {
    super();
  }

  public BlockdevInfo(Pointer p) {
    super(p);
  }
}
