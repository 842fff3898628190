package io.bmagent.card;

import java.time.Duration;

/** The host's power, as the card controls it through the server's management path. */
public interface HostPower {

  /** The power state as the card reports it now. */
  PowerState state();

  /** Powers the host on; a no-op when already on. */
  void powerOn();

  /**
   * Powers the host off: asks the operating system to shut down and forces it after {@code gracefulTimeout}, or
   * forces it at once. A no-op when already off. Returns when the host is off.
   */
  void powerOff(boolean force, Duration gracefulTimeout);

  /** Resets the host; legal only while on. */
  void reset();

  /**
   * The last {@code maxBytes} bytes of the host's serial console (fewer when the card holds fewer), in any power
   * state: what the host printed last is what explains why it stopped. A card that records no console for its host
   * returns {@link ConsoleOutput#EMPTY}.
   */
  ConsoleOutput console(int maxBytes);
}
