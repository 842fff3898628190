package io.bmagent.card.nativelib;

import io.bmagent.card.BatchResult;
import io.bmagent.card.CardException;
import io.bmagent.card.CardException.Reason;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The one place where the binding's errors become {@link CardException}s, so that nothing above
 * the card SPI sees a {@link BmdpuException} and every errno maps to the same {@link Reason}.
 */
final class NativeErrors {

  private NativeErrors() {
  }

  /** The reason the reconciler acts on for a card errno. */
  static Reason reason(BmdpuError error) {
    return switch (error) {
      case BUSY -> Reason.BUSY;
      case NO_SPACE -> Reason.NO_SPACE;
      case NOT_FOUND -> Reason.NOT_FOUND;
      case EXISTS -> Reason.ALREADY_EXISTS;
      case INVALID, NOT_SUPPORTED -> Reason.INVALID;
      case TIMED_OUT -> Reason.TIMEOUT;
      default -> Reason.IO;
    };
  }

  static CardException translate(BmdpuException e) {
    return new CardException(reason(e.error()), e.getMessage(), e);
  }

  /** The library is missing or the handle was closed: either way there is no card for this process. */
  static CardException closed(IllegalStateException e) {
    return new CardException(Reason.UNAVAILABLE, e.getMessage(), e);
  }

  /** A value the ABI cannot carry, such as an id longer than its char array. */
  static CardException invalid(IllegalArgumentException e) {
    return new CardException(Reason.INVALID, e.getMessage(), e);
  }

  /** Runs a call of the binding, translating its failures. */
  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (BmdpuException e) {
      throw translate(e);
    } catch (IllegalStateException e) {
      throw closed(e);
    } catch (IllegalArgumentException e) {
      throw invalid(e);
    }
  }

  /** Runs a raw ABI call and checks its result, translating failures. */
  static void check(String op, IntSupplier call) {
    call(() -> BmdpuErrors.check(call.getAsInt(), op));
  }

  /** Runs a batch that the card may stop early; the failure is the outcome, not an exception. */
  static BatchResult batch(Supplier<BatchResult> call) {
    try {
      return call.get();
    } catch (BmdpuBatchException e) {
      return BatchResult.stoppedAt(e.completed(), translate(e));
    } catch (BmdpuException e) {
      return BatchResult.stoppedAt(0, translate(e));
    } catch (IllegalStateException e) {
      return BatchResult.stoppedAt(0, closed(e));
    } catch (IllegalArgumentException e) {
      return BatchResult.stoppedAt(0, invalid(e));
    }
  }
}
