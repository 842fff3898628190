package io.bmagent.card.soft.net.metadata;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The port's metadata service counters: responses by HTTP status, and connections refused or cut. */
public final class MetadataCounters {

  private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
  private final LongAdder refused = new LongAdder();
  private final LongAdder timedOut = new LongAdder();

  void response(int status) {
    responses.computeIfAbsent(status, s -> new LongAdder()).increment();
  }

  void countRefused() {
    refused.increment();
  }

  void countTimedOut() {
    timedOut.increment();
  }

  /** Responses sent, by status. */
  public Map<Integer, Long> responses() {
    Map<Integer, Long> out = new TreeMap<>();
    responses.forEach((s, n) -> out.put(s, n.sum()));
    return out;
  }

  /** Responses sent, by status as text: the keys of {@code PortStats.metadataResponses()}. */
  public Map<String, Long> byStatus() {
    Map<String, Long> out = new TreeMap<>();
    responses.forEach((s, n) -> out.put(Integer.toString(s), n.sum()));
    return out;
  }

  /** Segments refused: not TCP port 80, or a connection the table had no room for. */
  public long refused() {
    return refused.sum();
  }

  /** Connections cut for being idle or slow too long. */
  public long timedOut() {
    return timedOut.sum();
  }
}
