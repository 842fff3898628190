package io.bmagent.reconcile;

import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.Instance;
import io.bmagent.card.Card;
import io.bmagent.card.PowerState;
import io.bmagent.domain.DesiredState;
import io.bmagent.store.v1.InstanceRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/** Drives the host's power: down before devices change, up once they are in place, and resets for reboots. */
final class HostStep {

  static final String TYPE = "instance";

  private final Card card;
  private final StatusBook book;
  private final LongConsumer rebootsDone;
  private final LongSupplier stoppedByHost;
  /** Desired states older than this generation were overtaken by the host stopping itself in this pass. */
  private long staleBelow;

  /**
   * @param stoppedByHost records durably that the host powered itself off and returns the instance's new
   *     generation
   */
  HostStep(Card card, StatusBook book, LongConsumer rebootsDone, LongSupplier stoppedByHost) {
    this.card = card;
    this.book = book;
    this.rebootsDone = rebootsDone;
    this.stoppedByHost = stoppedByHost;
  }

  /**
   * Reads the power and notices the host going off by itself: on when last seen, off now, and nobody here turned
   * it off. That is the host's OS shutting down (a guest's poweroff), and the instance stops rather than being
   * powered on again behind the user's back.
   */
  private PowerState observe(Optional<InstanceRecord> rec) {
    PowerState power = card.host().state();
    if (power == PowerState.OFF && book.power() == PowerState.ON && rec.isPresent()
        && rec.get().getInstance().getDesiredPower() == DesiredPower.DESIRED_POWER_ON) {
      staleBelow = Math.max(staleBelow, stoppedByHost.getAsLong());
    }
    book.power(power);
    return power;
  }

  private boolean stale(Optional<InstanceRecord> rec) {
    return rec.isPresent() && rec.get().getInstance().getGeneration() < staleBelow;
  }

  void down(DesiredState desired) {
    Optional<InstanceRecord> rec = desired.instance();
    PowerState power = observe(rec);
    if (stale(rec)) {
      return;
    }
    boolean wantOff = rec.isEmpty() || rec.get().getInstance().getDesiredPower() != DesiredPower.DESIRED_POWER_ON;
    if (wantOff && power != PowerState.OFF) {
      rec.ifPresent(r -> status(r, "STOPPING", false, "STOPPING", "host is being powered off"));
      boolean force = rec.map(InstanceRecord::getStopForce).orElse(true);
      long timeoutMs = rec.map(InstanceRecord::getStopTimeoutMs).orElse(0L);
      card.host().powerOff(force, Duration.ofMillis(timeoutMs));
      book.power(card.host().state());
    }
    if (rec.isEmpty()) {
      book.resetFirstRunning();
      book.forgetAll(TYPE);
    }
  }

  /** A device of the instance that cannot converge: which, and the card's reason and message. */
  record Failure(String device, String reason, String message) {}

  /**
   * Powers up or resets as desired; {@code devicesReady} says whether storage and network are in place, and
   * {@code failed} names a device that failed for good, which makes the instance FAILED instead of pending.
   */
  void up(DesiredState desired, boolean devicesReady, Optional<Failure> failed) {
    if (desired.instance().isEmpty()) {
      return;
    }
    PowerState power = observe(desired.instance());
    if (stale(desired.instance())) {
      return;
    }
    InstanceRecord rec = desired.instance().get();
    Instance inst = rec.getInstance();
    if (power == PowerState.OFF && !devicesReady && failed.isPresent()) {
      Failure f = failed.get();
      status(rec, "FAILED", false, f.reason(), f.device() + " failed: " + f.message());
      return;
    }
    if (inst.getDesiredPower() != DesiredPower.DESIRED_POWER_ON) {
      if (power == PowerState.OFF && !devicesReady) {
        status(rec, "PROVISIONING", false, "DEVICES_PENDING", "devices are being put in place");
      } else if (power == PowerState.OFF) {
        status(rec, "STOPPED", true, rec.getStoppedByHost() ? "STOPPED_BY_HOST" : "STOPPED",
            rec.getStoppedByHost() ? "the host's operating system shut it down" : "host is off");
      }
      return;
    }
    if (power == PowerState.OFF) {
      if (!devicesReady) {
        status(rec, "STARTING", false, "DEVICES_PENDING", "waiting for the boot disk and NIC before power-on");
        return;
      }
      status(rec, "STARTING", false, "POWERING_ON", "host is being powered on");
      card.host().powerOn();
      power = card.host().state();
      book.power(power);
    } else if (rec.getRebootsRequested() > rec.getRebootsDone()) {
      status(rec, "REBOOTING", false, "REBOOTING", "host is being reset");
      card.host().reset();
      rebootsDone.accept(rec.getRebootsRequested());
      power = card.host().state();
      book.power(power);
    }
    if (power == PowerState.ON) {
      book.running();
      status(rec, "RUNNING", true, "RUNNING", "host is on with its devices in place");
    }
  }

  private void status(InstanceRecord rec, String phase, boolean ready, String reason, String message) {
    Instance inst = rec.getInstance();
    book.set(TYPE, inst.getInstanceId(), phase, ready ? inst.getGeneration() : 0, ready, reason, message, 0);
  }
}
