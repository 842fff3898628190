package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_card_info}: the card's identity, filled by {@code bmdpu_card_get_info}. */
@FieldOrder({"capabilities", "abi_version", "pad0", "model", "firmware", "serial", "pad1"})
public class CardInfo extends BmdpuStructure {
  public long capabilities;
  public int abi_version;
  public int pad0;
  public byte[] model = new byte[BmdpuLibrary.BMDPU_NAME_MAX];
  public byte[] firmware = new byte[BmdpuLibrary.BMDPU_NAME_MAX];
  public byte[] serial = new byte[BmdpuLibrary.BMDPU_SERIAL_MAX];
  public byte[] pad1 = new byte[3];

  public String model() {
    return getString(model);
  }

  public String firmware() {
    return getString(firmware);
  }

  public String serial() {
    return getString(serial);
  }

  public boolean has(long capability) {
    return (capabilities & capability) == capability;
  }
}
