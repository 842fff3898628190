package io.bmagent.daemon.systemd;

import java.util.Optional;

/** One liveness check of the watchdog; it runs on the watchdog's thread and must return within its own deadline. */
@FunctionalInterface
public interface Probe {

  /** Empty while healthy, otherwise what is wrong, for the STATUS line and the log. */
  Optional<String> problem();
}
