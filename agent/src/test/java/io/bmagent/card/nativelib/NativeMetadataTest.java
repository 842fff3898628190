package io.bmagent.card.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bmagent.card.CardException;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.PortConfig;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metadata table through the ABI: set whole, read back equal, served by key as the card's responder would. */
class NativeMetadataTest {

  static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");
  static final InstanceMetadata DOC = new InstanceMetadata("i-1", "ebm.g6", "img-1", "web-1", MAC,
      Ipv4Address.parse("10.0.1.10"), Ipv4Prefix.parse("10.0.1.0/24"), "vpc-1", Ipv4Address.parse("203.0.113.7"),
      List.of("ssh-ed25519 AAAA a", "ssh-ed25519 BBBB"), "#cloud-config\n".getBytes(StandardCharsets.UTF_8),
      Map.of("Name", "web-1"), true, 7);

  @Test
  void theDocumentRoundTripsAndIsServedByKey() {
    try (BmdpuCard card = SimCards.open(null)) {
      NativeNetworkPort port = new NativeNetworkPort(card);
      assertThrows(CardException.class, () -> port.putMetadata(DOC), "no port, no metadata");
      port.configure(new PortConfig("nic-1", MAC, Ipv4Address.parse("10.0.1.10"), Ipv4Prefix.parse("10.0.1.0/24"),
          Ipv4Address.parse("10.0.1.1"), 100, 1500, List.of()));
      assertEquals(Optional.empty(), port.metadata());
      port.putMetadata(DOC);
      assertEquals(Optional.of(DOC), port.metadata());
      SimulatorControl sim = SimulatorControl.of(card);
      assertArrayEquals("web-1".getBytes(StandardCharsets.UTF_8), sim.metadataLookup("hostname"));
      assertArrayEquals("ssh-ed25519 BBBB".getBytes(StandardCharsets.UTF_8), sim.metadataLookup("public-keys/1"));
      assertArrayEquals("required".getBytes(StandardCharsets.UTF_8), sim.metadataLookup("http-tokens"));
      assertNull(sim.metadataLookup("public-keys/2"));
      port.removeMetadata();
      assertEquals(Optional.empty(), port.metadata());
      port.putMetadata(DOC);
      port.remove();
      assertEquals(Optional.empty(), port.metadata(), "removing the port removes its document");
    }
  }

  @Test
  void malformedBlobsAreRefused() {
    try (BmdpuCard card = SimCards.open(null)) {
      new NativeNetworkPort(card).configure(new PortConfig("nic-1", MAC, Ipv4Address.parse("10.0.1.10"),
          Ipv4Prefix.parse("10.0.1.0/24"), Ipv4Address.parse("10.0.1.1"), 100, 1500, List.of()));
      BmdpuLibrary lib = card.library();
      byte[] truncated = {5, 0, 0, 0, 'a'};
      assertEquals(-22, lib.bmdpu_metadata_set(card.handle(), 0, truncated, truncated.length));
      byte[] repeated = {1, 0, 0, 0, 'k', 0, 0, 0, 0, 1, 0, 0, 0, 'k', 0, 0, 0, 0};
      assertEquals(-22, lib.bmdpu_metadata_set(card.handle(), 0, repeated, repeated.length));
      assertEquals(-7, lib.bmdpu_metadata_set(card.handle(), 0, new byte[70_000], 70_000));
    }
  }
}
