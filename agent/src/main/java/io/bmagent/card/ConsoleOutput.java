package io.bmagent.card;

import java.time.Instant;
import java.util.Optional;

/**
 * The tail of the host's serial console as the card recorded it.
 *
 * @param output the last bytes received, oldest first
 * @param totalBytes how many bytes the console received since the card began recording it, kept or not
 * @param lastWrite when the last byte arrived; empty when none did
 */
public record ConsoleOutput(byte[] output, long totalBytes, Optional<Instant> lastWrite) {

  /** A console that never received a byte. */
  public static final ConsoleOutput EMPTY = new ConsoleOutput(new byte[0], 0, Optional.empty());
}
