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

/** Drives the host's power: down before devices change, up once they are in place, and resets for reboots. */
final class HostStep {

  static final String TYPE = "instance";

  private final Card card;
  private final StatusBook book;
  private final LongConsumer rebootsDone;

  HostStep(Card card, StatusBook book, LongConsumer rebootsDone) {
    this.card = card;
    this.book = book;
    this.rebootsDone = rebootsDone;
  }

  void down(DesiredState desired) {
    PowerState power = card.host().state();
    book.power(power);
    Optional<InstanceRecord> rec = desired.instance();
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

  /** Powers up or resets as desired; {@code devicesReady} says whether storage and network are in place. */
  void up(DesiredState desired, boolean devicesReady) {
    if (desired.instance().isEmpty()) {
      return;
    }
    InstanceRecord rec = desired.instance().get();
    Instance inst = rec.getInstance();
    PowerState power = card.host().state();
    book.power(power);
    if (inst.getDesiredPower() != DesiredPower.DESIRED_POWER_ON) {
      if (power == PowerState.OFF) {
        status(rec, devicesReady ? "STOPPED" : "PROVISIONING", devicesReady, devicesReady ? "STOPPED"
            : "DEVICES_PENDING", devicesReady ? "host is off" : "devices are being put in place");
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
