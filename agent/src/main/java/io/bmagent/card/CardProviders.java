package io.bmagent.card;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Chooses the card driver: the one forced by name, or the available one of the highest priority. */
public final class CardProviders {

  private final List<CardProvider> providers;

  public CardProviders(List<CardProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  public static CardProviders installed() {
    List<CardProvider> found = new ArrayList<>();
    ServiceLoader.load(CardProvider.class).forEach(found::add);
    return new CardProviders(found);
  }

  public List<CardProvider> all() {
    return providers;
  }

  /**
   * Returns the provider to use.
   *
   * @param forced a driver name, or empty to choose by priority
   * @throws IllegalStateException naming why no driver can be used
   */
  public CardProvider choose(Optional<String> forced) {
    if (forced.isPresent()) {
      String name = forced.get();
      CardProvider p = providers.stream().filter(x -> x.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalStateException("no card driver named '" + name + "'; known: " + names()));
      if (!p.isAvailable()) {
        throw new IllegalStateException("card driver '" + name + "' is not available: "
            + p.unavailabilityCause().orElse("unknown cause"));
      }
      return p;
    }
    return providers.stream().filter(CardProvider::isAvailable)
        .max(Comparator.comparingInt(CardProvider::priority))
        .orElseThrow(() -> new IllegalStateException("no card driver is available; known: " + names()));
  }

  private List<String> names() {
    return providers.stream().map(CardProvider::name).toList();
  }
}
