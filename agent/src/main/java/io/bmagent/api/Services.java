package io.bmagent.api;

import io.bmagent.card.CardInfo;
import io.bmagent.domain.ConsoleReader;
import io.bmagent.domain.InstanceManager;
import io.bmagent.domain.MappingManager;
import io.bmagent.domain.NetworkManager;
import io.bmagent.domain.VolumeManager;
import io.bmagent.events.EventLog;
import io.bmagent.reconcile.StatusBook;
import io.grpc.BindableService;
import java.util.List;

/** The v1 API's services over the domain. */
public final class Services {

  private Services() {}

  public static List<BindableService> of(InstanceManager instances, ConsoleReader consoles, VolumeManager volumes,
      NetworkManager network, MappingManager mappings, StatusBook book, CardInfo card, EventLog events,
      String agentVersion) {
    Views views = new Views(book);
    return List.of(
        new InstanceApi(instances, consoles, views),
        new VolumeApi(volumes, views),
        new NetworkApi(network, mappings, views),
        new AgentApi(card, events, agentVersion));
  }
}
