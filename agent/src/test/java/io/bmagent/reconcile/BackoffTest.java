package io.bmagent.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertEquals(100, b.delay(1).toMillis());
    assertEquals(200, b.delay(2).toMillis());
    assertEquals(800, b.delay(4).toMillis());
    assertEquals(1000, b.delay(5).toMillis());
    assertEquals(1000, b.delay(1000).toMillis(), "no overflow after many failures");
  }
}
