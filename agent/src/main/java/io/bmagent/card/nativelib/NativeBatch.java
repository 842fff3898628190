package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import io.bmagent.card.BatchResult;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Batch calls of the ABI over a list of structs, with results counted in elements of that list.
 * Removals resume past entries the card does not have, because the SPI counts those as removed.
 */
final class NativeBatch {

  /** The raw batch call: array, element count, and the count out-parameter; returns 0 or -errno. */
  @FunctionalInterface
  interface Call {
    int run(Pointer array, int n, IntByReference done);
  }

  private NativeBatch() {
  }

  /** Sends all elements in one call, stopping where the card stops. */
  static <T extends Structure, V> BatchResult apply(Class<T> type, String op, List<V> values,
      BiConsumer<V, T> fill, Call call) {
    return NativeErrors.batch(() -> {
      run(type, op, values, fill, call);
      return BatchResult.all(values.size());
    });
  }

  /** Sends the elements, skipping over those the card reports it does not have. */
  static <T extends Structure, V> BatchResult remove(Class<T> type, String op, List<V> values,
      BiConsumer<V, T> fill, Call call) {
    int offset = 0;
    while (offset < values.size()) {
      List<V> rest = values.subList(offset, values.size());
      try {
        run(type, op, rest, fill, call);
        break;
      } catch (BmdpuBatchException e) {
        if (e.error() != BmdpuError.NOT_FOUND) {
          return BatchResult.stoppedAt(offset + e.completed(), NativeErrors.translate(e));
        }
        offset += e.completed() + 1;
      } catch (BmdpuException e) {
        return BatchResult.stoppedAt(offset, NativeErrors.translate(e));
      } catch (IllegalStateException e) {
        return BatchResult.stoppedAt(offset, NativeErrors.closed(e));
      } catch (IllegalArgumentException e) {
        return BatchResult.stoppedAt(offset, NativeErrors.invalid(e));
      }
    }
    return BatchResult.all(values.size());
  }

  private static <T extends Structure, V> void run(Class<T> type, String op, List<V> values,
      BiConsumer<V, T> fill, Call call) {
    try (StructArray<T> array = StructArray.of(type, values.size())) {
      for (int i = 0; i < values.size(); i++) {
        fill.accept(values.get(i), array.get(i));
      }
      array.write();
      IntByReference done = new IntByReference();
      int rc = call.run(array.pointer(), values.size(), done);
      BmdpuErrors.checkBatch(rc, op, done.getValue(), values.size());
    }
  }
}
