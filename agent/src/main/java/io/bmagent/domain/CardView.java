package io.bmagent.domain;

import io.bmagent.card.ConsoleOutput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the domain needs to know of, and ask of, the card beyond the desired state: whether the host is stopped, which
 * volumes are frozen, the freeze itself, which is an action with an answer rather than a desired state, and what the
 * host printed on its console.
 */
public interface CardView {

  /** Whether the card reports the host off and no power change is pending. */
  boolean hostStopped();

  /** Whether the card holds the volume's I/O. */
  boolean frozen(String volumeId);

  /**
   * Freezes the volumes at one point and returns when they are frozen.
   *
   * @return when the card will thaw them by itself
   */
  Instant freeze(List<String> volumeIds, Duration timeout);

  /** Thaws the volumes. */
  void thaw(List<String> volumeIds);

  /** The last {@code maxBytes} bytes of the host's serial console, as the card recorded them. */
  ConsoleOutput console(int maxBytes);
}
