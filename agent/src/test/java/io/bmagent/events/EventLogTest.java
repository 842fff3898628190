package io.bmagent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {

  private final EventLog log = new EventLog(Clock.systemUTC(), 4);
  private final List<Event> all = new ArrayList<>();

  EventLogTest() {
    log.subscribe("", all::add);
  }

  private void publish(int n) {
    for (int i = 0; i < n; i++) {
      log.publish(EventType.EVENT_TYPE_UPDATED, "volume", "vol-" + all.size(), "", "", "");
    }
  }

  private List<Event> from(String token) {
    List<Event> seen = new ArrayList<>();
    log.subscribe(token, seen::add).close();
    return seen;
  }

  @Test
  void resumesRightAfterTheTokenWhileTheRingHoldsIt() {
    publish(3);
    assertEquals(List.of("vol-1", "vol-2"),
        from(all.get(0).getResumeToken()).stream().map(Event::getResourceId).toList());
    assertEquals(List.of(), from(all.get(2).getResumeToken()));
  }

  @Test
  void aTokenOlderThanTheRingGetsOneResync() {
    publish(10);
    List<Event> seen = from(all.get(1).getResumeToken());
    assertEquals(1, seen.size());
    assertEquals(EventType.EVENT_TYPE_RESYNC, seen.get(0).getType());
    assertEquals(4, from(all.get(5).getResumeToken()).size());
  }

  @Test
  void aTokenFromAnotherRunGetsOneResync() {
    publish(1);
    assertEquals(EventType.EVENT_TYPE_RESYNC, from("0badc0de:1").get(0).getType());
    assertEquals(EventType.EVENT_TYPE_RESYNC, from("garbage").get(0).getType());
  }

  @Test
  void aClosedSubscriptionSeesNothingMore() {
    List<Event> seen = new ArrayList<>();
    try (EventLog.Subscription s = log.subscribe("", seen::add)) {
      publish(3);
    }
    publish(1);
    assertEquals(3, seen.size());
    assertEquals(4, all.size());
  }
}
