package io.bmagent.api;

import io.bmagent.api.v1.AgentServiceGrpc;
import io.bmagent.api.v1.CardCapabilities;
import io.bmagent.api.v1.CardLimits;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.EventType;
import io.bmagent.api.v1.GetInventoryRequest;
import io.bmagent.api.v1.Inventory;
import io.bmagent.api.v1.WatchEventsRequest;
import io.bmagent.card.CardInfo;
import io.bmagent.events.EventLog;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Set;

/** AgentService: the inventory, and the event stream with flow control. */
public final class AgentApi extends AgentServiceGrpc.AgentServiceImplBase {

  /** Events a slow client may have waiting before its stream is ended with its resume point. */
  static final int MAX_PENDING = 4096;

  private final CardInfo card;
  private final EventLog events;
  private final String agentVersion;

  AgentApi(CardInfo card, EventLog events, String agentVersion) {
    this.card = card;
    this.events = events;
    this.agentVersion = agentVersion;
  }

  @Override
  public void getInventory(GetInventoryRequest req, StreamObserver<Inventory> out) {
    CardInfo.Limits l = card.limits();
    Errors.unary(out, () -> Inventory.newBuilder()
        .setCardModel(card.model())
        .setCardSerial(card.serial())
        .setDriverName(card.driverName())
        .setDriverVersion(card.driverVersion())
        .setAbiVersion(card.abiVersion())
        .setAgentVersion(agentVersion)
        .setCapabilities(CardCapabilities.newBuilder()
            .addAllDeviceTypes(card.deviceTypes().stream().map(Enum::name).sorted().toList())
            .addAllTransports(card.transports().stream().map(Enum::name).sorted().toList())
            .setNestedVirtualization(card.nestedVirtualization())
            .addAllFeatures(card.features()))
        .setLimits(CardLimits.newBuilder()
            .setMaxVolumes(l.maxVolumes())
            .setMaxNetworkInterfaces(l.maxNetworkPorts())
            .setMaxSecurityGroupRules(l.maxPolicyRules())
            .setMaxAclEntries(l.maxAclEntries())
            .setMaxVpcMappings(l.maxVpcMappings())
            .setMaxConnections(l.maxConnections())
            .setMaxQueuesPerVolume(l.maxQueuesPerVolume()))
        .build());
  }

  @Override
  public void watchEvents(WatchEventsRequest req, StreamObserver<Event> out) {
    ServerCallStreamObserver<Event> call = (ServerCallStreamObserver<Event>) out;
    Set<String> types = Set.copyOf(req.getResourceTypesList());
    Stream stream = new Stream(call, types);
    call.setOnReadyHandler(stream::drain);
    EventLog.Subscription sub = events.subscribe(req.getResumeToken(), stream::offer);
    call.setOnCancelHandler(sub::close);
    stream.subscription = sub;
    stream.drain();
  }

  /** One client's stream: a bounded queue drained while the transport is ready. */
  private static final class Stream {
    private final ServerCallStreamObserver<Event> call;
    private final Set<String> types;
    private final ArrayDeque<Event> pending = new ArrayDeque<>();
    private volatile EventLog.Subscription subscription;
    private String lastSent = "";
    private boolean ended;

    Stream(ServerCallStreamObserver<Event> call, Set<String> types) {
      this.call = call;
      this.types = types;
    }

    synchronized void offer(Event e) {
      if (ended || (!types.isEmpty() && e.getType() != EventType.EVENT_TYPE_RESYNC
          && !types.contains(e.getResourceType()))) {
        return;
      }
      if (pending.size() >= MAX_PENDING) {
        ended = true;
        pending.clear();
        if (subscription != null) {
          subscription.close();
        }
        call.onError(Status.RESOURCE_EXHAUSTED.withDescription("client too slow: " + MAX_PENDING
            + " events waiting; resume from " + lastSent).asRuntimeException());
        return;
      }
      pending.add(e);
      drain();
    }

    synchronized void drain() {
      while (!ended && call.isReady() && !pending.isEmpty()) {
        Event e = pending.poll();
        lastSent = e.getResumeToken();
        call.onNext(e);
      }
    }
  }
}
