package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_event}: valid only during the callback, so it is copied into a {@link CardEvent}. */
@FieldOrder({"seq", "timestamp_ns", "type", "slot", "value", "pad0", "object_id"})
public class Event extends BmdpuStructure {
  public long seq;
  public long timestamp_ns;
  public int type;
  public int slot;
  public int value;
  public int pad0;
  public byte[] object_id = new byte[BmdpuLibrary.BMDPU_ID_MAX];

  public Event() {
    super();
  }

  public Event(Pointer p) {
    super(p);
    read();
  }

  CardEvent copy() {
    return new CardEvent(seq, timestamp_ns, type, slot, value, getString(object_id));
  }
}
