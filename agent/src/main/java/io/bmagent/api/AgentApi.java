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
import io.bmagent.domain.DomainException;
import io.bmagent.domain.FieldViolation;
import io.bmagent.domain.ResourceKind;
import io.bmagent.events.EventLog;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** AgentService: the inventory, and the event stream with flow control. */
public final class AgentApi extends AgentServiceGrpc.AgentServiceImplBase {

  /** Events a slow client may have waiting before its stream is ended with its resume point. */
  static final int MAX_PENDING = 4096;
  /** The resource types events carry: the stored kinds, and what the card itself reports. */
  static final Set<String> RESOURCE_TYPES = java.util.stream.Stream.concat(
      Arrays.stream(ResourceKind.values()).map(ResourceKind::key), java.util.stream.Stream.of("card"))
      .collect(Collectors.toCollection(TreeSet::new));
  static final int MAX_RESUME_TOKEN = 64;

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
    List<FieldViolation> bad = validate(req);
    if (!bad.isEmpty()) {
      out.onError(Errors.toStatus(DomainException.invalid(bad)));
      return;
    }
    Set<String> types = Set.copyOf(req.getResourceTypesList());
    Stream stream = new Stream(call, types);
    call.setOnReadyHandler(stream::drain);
    EventLog.Subscription sub = events.subscribe(req.getResumeToken(), stream::offer);
    call.setOnCancelHandler(sub::close);
    stream.subscription = sub;
    stream.drain();
  }

  /** An unknown type would silently filter out everything; a resume token is never longer than ours. */
  private static List<FieldViolation> validate(WatchEventsRequest req) {
    List<FieldViolation> bad = new ArrayList<>();
    if (req.getResumeToken().length() > MAX_RESUME_TOKEN) {
      bad.add(new FieldViolation("resume_token", "at most " + MAX_RESUME_TOKEN + " characters"));
    }
    if (req.getResourceTypesCount() > RESOURCE_TYPES.size()) {
      bad.add(new FieldViolation("resource_types", "at most " + RESOURCE_TYPES.size() + " entries"));
      return bad;
    }
    for (int i = 0; i < req.getResourceTypesCount(); i++) {
      if (!RESOURCE_TYPES.contains(req.getResourceTypes(i))) {
        bad.add(new FieldViolation("resource_types[" + i + "]", "unknown resource type '"
            + req.getResourceTypes(i) + "'; one of " + String.join(", ", RESOURCE_TYPES)));
      }
    }
    return bad;
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
        call.onError(Errors.clientTooSlow(MAX_PENDING, lastSent));
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
