package io.bmagent.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import io.bmagent.api.v1.ElasticIpAssociation;
import io.bmagent.api.v1.NetworkAcl;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.Volume;
import io.bmagent.store.StateStore;
import io.bmagent.store.StoreException;
import io.bmagent.store.StoredResource;
import io.bmagent.store.Transaction;
import io.bmagent.store.v1.InstanceRecord;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Owns the desired state: the durable copy in the store and the in-memory snapshot. Writers run one at a time under
 * {@link #lock}; a change becomes visible in memory only after the store committed it.
 */
public final class StateHolder {

  /** A domain operation that decides what to change from the current state. */
  @FunctionalInterface
  interface Decision<T> {
    T decide(DesiredState current, Change change, Transaction tx) throws SQLException;
  }

  private final StateStore store;
  private final Clock clock;
  private final MappingTable mappings;
  private final ReentrantLock lock = new ReentrantLock();
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  private volatile DesiredState current;

  private StateHolder(StateStore store, Clock clock, DesiredState loaded, MappingTable mappings) {
    this.store = store;
    this.clock = clock;
    this.current = loaded;
    this.mappings = mappings;
  }

  /** Loads the desired state from the store. */
  public static StateHolder load(StateStore store, Clock clock) {
    return store.read(tx -> {
      DesiredState s = DesiredState.EMPTY;
      for (StoredResource r : tx.list(ResourceKind.INSTANCE.key())) {
        s = s.withInstance(Optional.of(parse(() -> InstanceRecord.parseFrom(r.spec()), r)));
      }
      for (StoredResource r : tx.list(ResourceKind.VOLUME.key())) {
        s = s.withVolume(r.id(), parse(() -> Volume.parseFrom(r.spec()), r));
      }
      for (StoredResource r : tx.list(ResourceKind.NETWORK_INTERFACE.key())) {
        s = s.withNic(Optional.of(parse(() -> NetworkInterface.parseFrom(r.spec()), r)));
      }
      for (StoredResource r : tx.list(ResourceKind.SECURITY_GROUP.key())) {
        s = s.withSecurityGroup(r.id(), parse(() -> SecurityGroup.parseFrom(r.spec()), r));
      }
      for (StoredResource r : tx.list(ResourceKind.NETWORK_ACL.key())) {
        s = s.withAcl(r.id(), parse(() -> NetworkAcl.parseFrom(r.spec()), r));
      }
      for (StoredResource r : tx.list(ResourceKind.ELASTIC_IP.key())) {
        s = s.withElasticIp(Optional.of(parse(() -> ElasticIpAssociation.parseFrom(r.spec()), r)));
      }
      var stored = tx.allMappings();
      MappingTable table = new MappingTable(tx.counter(MappingTable.VERSION_COUNTER), stored.size());
      table.load(stored, tx.allGateways());
      return new StateHolder(store, clock, s, table);
    });
  }

  private interface Parser<T> {
    T parse() throws InvalidProtocolBufferException;
  }

  private static <T> T parse(Parser<T> p, StoredResource r) {
    try {
      return p.parse();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreException("stored " + r.kind() + " " + r.id() + " cannot be read", e);
    }
  }

  public DesiredState current() {
    return current;
  }

  public MappingTable mappings() {
    return mappings;
  }

  public Clock clock() {
    return clock;
  }

  public void addListener(StateListener listener) {
    listeners.add(listener);
  }

  /**
   * Runs a decision under the writer lock, commits its rows, swaps in the state it returns through
   * {@link Outcome}, then publishes the changes.
   */
  <T> T apply(Decision<Outcome<T>> decision) {
    lock.lock();
    try {
      Change change = new Change();
      Outcome<T> outcome;
      try {
        outcome = store.write(tx -> {
          Outcome<T> o = decision.decide(current, change, tx);
          for (StoredResource r : change.puts) {
            tx.put(r);
          }
          for (Change.Deletion d : change.deletions) {
            tx.delete(d.kind().key(), d.id());
          }
          return o;
        });
      } catch (StoreException e) {
        if (e.diskFull()) {
          // Not UNAVAILABLE: the agent is up and reads work; the change waits for an operator to free space.
          throw DomainException.exhausted(Reason.STATE_DISK_FULL, "the agent's state disk is full; the change was"
              + " not made: " + e.getMessage(), null);
        }
        throw DomainException.unavailable("the agent cannot commit to its state store: " + e.getMessage());
      }
      current = outcome.state();
      outcome.onCommit().run();
      if (!change.published.isEmpty()) {
        for (StateListener l : listeners) {
          l.changed(List.copyOf(change.published));
        }
      }
      return outcome.result();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The state a decision leads to, what the request returns, and what to do in memory once the commit succeeded
   * (the overlay table is updated this way).
   */
  record Outcome<T>(DesiredState state, T result, Runnable onCommit) {

    Outcome(DesiredState state, T result) {
      this(state, result, () -> { });
    }
  }
}
