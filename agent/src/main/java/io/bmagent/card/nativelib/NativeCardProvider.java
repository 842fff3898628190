package io.bmagent.card.nativelib;

import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.CardProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The hardware card driver, through the vendor's (or the simulator's) C library. Ranks above the
 * software card, so a host whose library loads uses it without {@code --card}.
 */
public final class NativeCardProvider implements CardProvider {

  /** Above the software card's 10. */
  static final int PRIORITY = 100;
  /** Names the library the agent expects; the library itself is chosen once per JVM by the loader. */
  static final String LIB_OPTION = "lib";

  @Override
  public String name() {
    return NativeCard.DRIVER;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public boolean isAvailable() {
    return BmdpuLibraryLoader.isAvailable();
  }

  @Override
  public Optional<String> unavailabilityCause() {
    return BmdpuLibraryLoader.unavailabilityCause();
  }

  /**
   * Opens the card; every option but {@value #LIB_OPTION} goes to the library as its
   * "key=value;..." configuration, in key order so the same options give the same string.
   */
  @Override
  public Card open(Map<String, String> options) {
    if (!isAvailable()) {
      throw new CardException(CardException.Reason.UNAVAILABLE,
          "native card library unavailable: " + unavailabilityCause().orElse("unknown cause"));
    }
    String lib = options.get(LIB_OPTION);
    // The loader probes one library per JVM before any card opens, so the option can only confirm it.
    if (lib != null && !BmdpuLibraryLoader.libraryPath().map(p -> p.equals(Path.of(lib))).orElse(false)) {
      throw new CardException(CardException.Reason.INVALID, "option lib=" + lib + " differs from the loaded "
          + BmdpuLibraryLoader.libraryPath().orElseThrow() + "; set -D" + BmdpuLibraryLoader.PATH_PROPERTY
          + " or " + BmdpuLibraryLoader.PATH_ENV + " instead");
    }
    return NativeCard.open(config(options));
  }

  static String config(Map<String, String> options) {
    return new TreeMap<>(options).entrySet().stream()
        .filter(e -> !e.getKey().equals(LIB_OPTION))
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(";"));
  }
}
