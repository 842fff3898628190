package io.bmagent.card.nativelib;

import io.bmagent.card.CardException;
import io.bmagent.card.HostPower;
import io.bmagent.card.PowerState;
import io.bmagent.card.ConsoleOutput;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/** Host power over {@code bmdpu_host_*}. The ABI starts transitions and returns; the SPI's power-off waits. */
final class NativeHostPower implements HostPower {

  /** How long past the graceful timeout a power-off may take before the card is considered stuck. */
  private static final Duration OFF_GRACE = Duration.ofSeconds(30);
  private static final long POLL_MS = 5;

  private final BmdpuCard card;

  NativeHostPower(BmdpuCard card) {
    this.card = card;
  }

  static PowerState state(int raw) {
    return switch (raw) {
      case BmdpuLibrary.BMDPU_POWER_OFF -> PowerState.OFF;
      case BmdpuLibrary.BMDPU_POWER_ON -> PowerState.ON;
      default -> PowerState.TRANSITIONING;
    };
  }

  @Override
  public PowerState state() {
    IntByReference out = new IntByReference();
    NativeErrors.check("host_get_power", () -> card.library().bmdpu_host_get_power(card.handle(), out));
    return state(out.getValue());
  }

  @Override
  public void powerOn() {
    NativeErrors.check("host_power_on", () -> card.library().bmdpu_host_power_on(card.handle()));
  }

  @Override
  public void powerOff(boolean force, Duration gracefulTimeout) {
    int ms = (int) Math.min(Integer.MAX_VALUE, Math.max(0, gracefulTimeout.toMillis()));
    NativeErrors.check("host_power_off",
        () -> card.library().bmdpu_host_power_off(card.handle(), force ? 1 : 0, ms));
    awaitOff(force ? OFF_GRACE : gracefulTimeout.plus(OFF_GRACE));
  }

  @Override
  public void reset() {
    NativeErrors.check("host_reset", () -> card.library().bmdpu_host_reset(card.handle()));
  }

  @Override
  public ConsoleOutput console(int maxBytes) {
    byte[] buf = new byte[Math.max(0, maxBytes)];
    IntByReference len = new IntByReference(buf.length);
    LongByReference total = new LongByReference();
    LongByReference timestampNs = new LongByReference();
    NativeErrors.check("host_console_read",
        () -> card.library().bmdpu_host_console_read(card.handle(), buf, len, total, timestampNs));
    long ns = timestampNs.getValue();
    return new ConsoleOutput(Arrays.copyOf(buf, Math.min(buf.length, len.getValue())), total.getValue(),
        ns == 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(0, ns)));
  }

  private void awaitOff(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (state() != PowerState.OFF) {
      if (System.nanoTime() > deadline) {
        throw new CardException(CardException.Reason.TIMEOUT, "host still not off after " + limit);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CardException(CardException.Reason.TIMEOUT, "interrupted waiting for power off", e);
      }
    }
  }
}
