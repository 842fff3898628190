package io.bmagent.card;

import java.util.Map;
import java.util.Optional;

/**
 * A card driver, found through {@link java.util.ServiceLoader}. The agent opens the available provider of the highest
 * priority, or the one named by {@code --card}.
 */
public interface CardProvider {

  /** The name used by {@code --card}, for example "soft" or "native". */
  String name();

  /** Higher wins when no driver is forced; hardware drivers rank above the software card. */
  int priority();

  /** Whether the driver can open a card here; probed once, cheap to call again. */
  boolean isAvailable();

  /** Why the driver is not available, when it is not. */
  Optional<String> unavailabilityCause();

  /**
   * Opens the card.
   *
   * @param options driver options from the command line ({@code --card-option key=value})
   */
  Card open(Map<String, String> options);
}
