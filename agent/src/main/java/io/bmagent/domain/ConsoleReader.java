package io.bmagent.domain;

import io.bmagent.api.v1.Instance;
import io.bmagent.card.ConsoleOutput;
import io.bmagent.store.v1.InstanceRecord;
import java.util.Optional;

/** GetConsoleOutput: the served instance's serial console, read from the card, in any phase. */
public final class ConsoleReader {

  static final int DEFAULT_BYTES = 64 * 1024;
  static final int MAX_BYTES = 1024 * 1024;

  private final StateHolder state;
  private final CardView card;

  public ConsoleReader(StateHolder state, CardView card) {
    this.state = state;
    this.card = card;
  }

  /** @param maxBytes 0 for the default; more than {@link #MAX_BYTES} is INVALID_ARGUMENT */
  public ConsoleOutput read(String instanceId, long maxBytes) {
    Violations v = new Violations();
    v.id("instance_id", instanceId, 64);
    if (maxBytes < 0 || maxBytes > MAX_BYTES) {
      v.add("max_bytes", "must be 0 (for " + DEFAULT_BYTES + ") to " + MAX_BYTES + ", got " + maxBytes);
    }
    v.throwIfAny();
    Optional<Instance> served = state.current().instance().map(InstanceRecord::getInstance);
    if (served.map(Instance::getInstanceId).filter(instanceId::equals).isEmpty()) {
      throw InstanceManager.notServed(served, instanceId);
    }
    return card.console(maxBytes == 0 ? DEFAULT_BYTES : (int) maxBytes);
  }
}
