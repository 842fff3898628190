package io.bmagent.card.soft;

import io.bmagent.card.CardEvent;
import io.bmagent.card.CardException;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.card.HostPower;
import io.bmagent.card.PowerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The soft card's host power. Powering the host on opens the host-facing devices to host I/O; powering it off
 * closes them after in-flight I/O completed, which is what a graceful shutdown looks like from the card: the host's
 * operating system flushed and stopped issuing I/O.
 */
final class SoftHost implements HostPower {

  /**
   * Told of every power change, before the card's event is raised. Gates open in the order they were added and
   * close in reverse, so what depends on an earlier gate (a QEMU host on the vhost-user sockets) goes first.
   */
  interface Gate {
    void powered(boolean on);

    /** A power-off, which a graceful gate may take up to {@code gracefulTimeout} for. */
    default void powerOff(boolean force, Duration gracefulTimeout) {
      powered(false);
    }

    /** A reset while on: by default off then on. */
    default void reset() {
      powered(false);
      powered(true);
    }
  }

  private final List<Gate> gates = new CopyOnWriteArrayList<>();
  private final Consumer<CardEvent> events;
  private volatile PowerState state = PowerState.OFF;
  // A host played by a network namespace has no serial console: nothing is recorded, so the output is empty.
  private volatile IntFunction<ConsoleOutput> console = max -> ConsoleOutput.EMPTY;

  SoftHost(Consumer<CardEvent> events) {
    this.events = events;
  }

  void addGate(Gate gate) {
    gates.add(gate);
  }

  /** Where the host's serial console is recorded, for a host that has one (a QEMU guest). */
  void consoleFrom(IntFunction<ConsoleOutput> source) {
    console = source;
  }

  @Override
  public ConsoleOutput console(int maxBytes) {
    return console.apply(maxBytes);
  }

  @Override
  public PowerState state() {
    return state;
  }

  @Override
  public synchronized void powerOn() {
    if (state != PowerState.ON) {
      open("host powered on");
    }
  }

  /** The host was found running when the card opened (it outlived the previous agent): on, without a power-on. */
  synchronized void foundOn() {
    if (state != PowerState.ON) {
      open("host found on");
    }
  }

  @Override
  public synchronized void powerOff(boolean force, Duration gracefulTimeout) {
    if (state != PowerState.OFF) {
      close(force, gracefulTimeout, force ? "host powered off (forced)" : "host shut down");
    }
  }

  /**
   * The host's OS powered the host off (a guest's poweroff): the card did not ask, so the gates that are still
   * open close as for a forced power-off, and the event says who turned it off.
   */
  synchronized void poweredItselfOff() {
    if (state == PowerState.ON) {
      close(true, Duration.ZERO, "host powered itself off");
    }
  }

  private void open(String what) {
    gates.forEach(g -> g.powered(true));
    state = PowerState.ON;
    events.accept(new CardEvent(CardEvent.Kind.HOST_POWER_CHANGED, "host", what));
  }

  private void close(boolean force, Duration gracefulTimeout, String what) {
    state = PowerState.TRANSITIONING;
    List<Gate> reversed = new ArrayList<>(gates);
    Collections.reverse(reversed);
    reversed.forEach(g -> g.powerOff(force, gracefulTimeout));
    state = PowerState.OFF;
    events.accept(new CardEvent(CardEvent.Kind.HOST_POWER_CHANGED, "host", what));
  }

  @Override
  public synchronized void reset() {
    if (state != PowerState.ON) {
      throw new CardException(CardException.Reason.BUSY, "host is not on; nothing to reset");
    }
    gates.forEach(Gate::reset);
    events.accept(new CardEvent(CardEvent.Kind.HOST_POWER_CHANGED, "host", "host reset"));
  }
}
