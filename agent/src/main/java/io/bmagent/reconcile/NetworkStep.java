package io.bmagent.reconcile;

import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.card.Card;
import io.bmagent.card.CardException;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.PortConfig;
import io.bmagent.card.PortState;
import io.bmagent.domain.DesiredState;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.util.Optional;

/** Makes the card's host port, and what its metadata service serves, match the desired NIC and instance. */
final class NetworkStep {

  static final String TYPE = "network_interface";

  private final Card card;
  private final StatusBook book;

  NetworkStep(Card card, StatusBook book) {
    this.card = card;
    this.book = book;
  }

  void run(DesiredState desired, int attempts) {
    Optional<PortState> have = card.network().port();
    Optional<NetworkInterface> nic = desired.nic();
    try {
      if (nic.isEmpty()) {
        if (have.isPresent()) {
          card.network().remove();
          book.forget(TYPE, have.get().config().nicId());
        }
      } else {
        PortConfig want = config(nic.get().getSpec());
        if (have.isEmpty() || !have.get().config().equals(want)) {
          if (have.isPresent() && !have.get().config().nicId().equals(want.nicId())) {
            card.network().remove();
          }
          card.network().configure(want);
        }
        Optional<InstanceMetadata> document = MetadataDocuments.of(desired);
        if (!card.network().metadata().equals(document)) {
          if (document.isPresent()) {
            card.network().putMetadata(document.get());
          } else {
            card.network().removeMetadata();
          }
        }
      }
    } catch (CardException e) {
      nic.ifPresent(n -> book.set(TYPE, n.getSpec().getNicId(), e.retryable() ? "PENDING" : "FAILED", 0, false,
          StorageStep.reason(e), e.getMessage(), attempts + 1));
      throw e;
    }
    refresh(desired);
  }

  void refresh(DesiredState desired) {
    Optional<PortState> port = card.network().port();
    book.port(port);
    desired.nic().ifPresent(n -> {
      boolean ready = port.isPresent() && port.get().config().equals(config(n.getSpec()));
      book.set(TYPE, n.getSpec().getNicId(), ready ? "READY" : "PENDING", ready ? n.getGeneration() : 0, ready,
          ready ? "PORT_CONFIGURED" : "PORT_PENDING", ready ? "port programmed" : "port not programmed yet", 0);
    });
  }

  static PortConfig config(NetworkInterfaceSpec s) {
    return new PortConfig(s.getNicId(), MacAddress.parse(s.getMac()), Ipv4Address.parse(s.getPrivateIpv4()),
        Ipv4Prefix.parse(s.getSubnetCidr()), Ipv4Address.parse(s.getGatewayIp()), s.getVni(), s.getMtu(),
        s.getDnsServersList().stream().map(Ipv4Address::parse).toList());
  }
}
