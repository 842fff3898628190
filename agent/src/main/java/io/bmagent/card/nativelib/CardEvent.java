package io.bmagent.card.nativelib;

/**
 * A card event, copied off the card's thread.
 *
 * @param seq per-card sequence number, increasing
 * @param timestampNs CLOCK_MONOTONIC of the card when it was raised
 * @param type what happened; {@link Type#UNKNOWN} for types newer than this binding
 * @param slot the device's slot for device events, else {@code BMDPU_SLOT_ANY} (-1)
 * @param value power state for HOST_POWER_CHANGED, negative errno for DEVICE_ERROR
 * @param objectId connection id, device serial or "host"
 */
public record CardEvent(long seq, long timestampNs, Type type, int slot, int value, String objectId) {

  CardEvent(long seq, long timestampNs, int type, int slot, int value, String objectId) {
    this(seq, timestampNs, Type.of(type), slot, value, objectId);
  }

  /** {@code BMDPU_EVENT_*}. */
  public enum Type {
    UNKNOWN(0),
    PATH_DOWN(BmdpuLibrary.BMDPU_EVENT_PATH_DOWN),
    PATH_UP(BmdpuLibrary.BMDPU_EVENT_PATH_UP),
    HOST_POWER_CHANGED(BmdpuLibrary.BMDPU_EVENT_HOST_POWER_CHANGED),
    DEVICE_ERROR(BmdpuLibrary.BMDPU_EVENT_DEVICE_ERROR),
    FREEZE_TIMEOUT(BmdpuLibrary.BMDPU_EVENT_FREEZE_TIMEOUT);

    private final int code;

    Type(int code) {
      this.code = code;
    }

    static Type of(int code) {
      for (Type t : values()) {
        if (t.code == code) {
          return t;
        }
      }
      return UNKNOWN;
    }
  }
}
