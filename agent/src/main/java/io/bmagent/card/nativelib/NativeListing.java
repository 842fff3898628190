package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import java.util.List;
import java.util.function.Function;

/**
 * Reads the ABI's "capacity in, count out" listings, growing the buffer when the card answers
 * -ERANGE with the number it needs, since the count can change between two calls.
 */
final class NativeListing {

  /** Enough for the common case in one call without a large allocation. */
  private static final int INITIAL = 64;

  /** The raw call: {@code out} array and {@code count}; returns 0 or -errno. */
  @FunctionalInterface
  interface Lister {
    int list(Pointer out, IntByReference count);
  }

  private NativeListing() {
  }

  /** All elements, converted while their native buffer is still alive. */
  static <T extends Structure, R> List<R> all(Class<T> type, String op, Lister lister, Function<T, R> convert) {
    int capacity = INITIAL;
    for (;;) {
      try (StructArray<T> array = StructArray.of(type, capacity)) {
        IntByReference count = new IntByReference(capacity);
        try {
          BmdpuErrors.check(lister.list(array.pointer(), count), op);
        } catch (BmdpuException e) {
          if (e.error() != BmdpuError.RANGE) {
            throw e;
          }
          capacity = Math.max(count.getValue(), capacity * 2);
          continue;
        }
        return array.read(count.getValue()).stream().map(convert).toList();
      }
    }
  }
}
