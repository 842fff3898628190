package io.bmagent.daemon.security;

/**
 * How many calls one peer may start: {@code burst} at once, then {@code perSecond} on average.
 *
 * @param perSecond the sustained rate; may be below 1 (e.g. one call a minute)
 */
public record RateLimit(double perSecond, int burst) {

  public RateLimit {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
    }
  }

  /** Parses {@code N/s} or {@code N/m} (e.g. {@code 200/s}); the burst is given separately. */
  public static RateLimit parse(String rate, int burst) {
    int slash = rate.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("a rate is N/s or N/m, e.g. 200/s: " + rate);
    }
    double n;
    try {
      n = Double.parseDouble(rate.substring(0, slash));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a rate is N/s or N/m, e.g. 200/s: " + rate, e);
    }
    return switch (rate.substring(slash + 1)) {
      case "s" -> new RateLimit(n, burst);
      case "m" -> new RateLimit(n / 60, burst);
      default -> throw new IllegalArgumentException("a rate is N/s or N/m, e.g. 200/s: " + rate);
    };
  }
}
