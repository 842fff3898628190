package io.bmagent.events;

import com.google.protobuf.util.Timestamps;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Keeps the last events in a ring and hands each new one to the subscribers. */
public final class EventLog {

  /** A live subscription; cancel it when the client goes away. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private final Clock clock;
  private final int capacity;
  private final String epoch = UUID.randomUUID().toString().substring(0, 8);
  private final ArrayDeque<Event> ring = new ArrayDeque<>();
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
  private long sequence;

  public EventLog(Clock clock, int capacity) {
    this.clock = clock;
    this.capacity = capacity;
  }

  public void publish(EventType type, String resourceType, String resourceId, String phase, String reason,
      String message) {
    Event event;
    synchronized (this) {
      sequence++;
      event = Event.newBuilder()
          .setResumeToken(epoch + ":" + sequence)
          .setTime(Timestamps.fromMillis(clock.millis()))
          .setType(type)
          .setResourceType(resourceType)
          .setResourceId(resourceId)
          .setPhase(phase)
          .setReason(reason)
          .setMessage(message)
          .build();
      ring.addLast(event);
      if (ring.size() > capacity) {
        ring.removeFirst();
      }
      // Delivered under the lock so that every subscriber sees events in sequence order, backlog included.
      for (Consumer<Event> s : subscribers) {
        s.accept(event);
      }
    }
  }

  /**
   * Subscribes from a resume point: first the events after it that the log still holds (or one RESYNC event when it
   * holds none of them), then every new event. An empty token means new events only.
   */
  public synchronized Subscription subscribe(String resumeToken, Consumer<Event> consumer) {
    List<Event> backlog = backlog(resumeToken);
    backlog.forEach(consumer);
    subscribers.add(consumer);
    return () -> subscribers.remove(consumer);
  }

  public synchronized int subscriberCount() {
    return subscribers.size();
  }

  private List<Event> backlog(String token) {
    if (token.isEmpty()) {
      return List.of();
    }
    int colon = token.indexOf(':');
    long after = -1;
    if (colon > 0 && token.substring(0, colon).equals(epoch)) {
      try {
        after = Long.parseLong(token.substring(colon + 1));
      } catch (NumberFormatException e) {
        after = -1;
      }
    }
    long oldest = ring.isEmpty() ? sequence + 1 : sequence - ring.size() + 1;
    if (after < 0 || after > sequence || after < oldest - 1) {
      return List.of(Event.newBuilder()
          .setResumeToken(epoch + ":" + sequence)
          .setTime(Timestamps.fromMillis(clock.millis()))
          .setType(EventType.EVENT_TYPE_RESYNC)
          .setMessage("resume point " + token + " is not held by this agent; read the current state again")
          .build());
    }
    List<Event> out = new ArrayList<>();
    for (Event e : ring) {
      long seq = Long.parseLong(e.getResumeToken().substring(e.getResumeToken().indexOf(':') + 1));
      if (seq > after) {
        out.add(e);
      }
    }
    return out;
  }
}
