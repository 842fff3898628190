package io.bmagent.card.soft.net.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.bmagent.card.InstanceMetadata;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataTreeTest {

  final MetadataTree tree = new MetadataTree(new InstanceMetadata("i-1", "ebm.g6", "img-1", "web-1",
      MacAddress.parse("02:00:00:00:00:01"), Ipv4Address.parse("10.0.1.10"), Ipv4Prefix.parse("10.0.1.0/24"),
      "vpc-1", Ipv4Address.parse("203.0.113.7"), List.of("ssh-ed25519 AAAA alice@x", "ssh-ed25519 BBBB"),
      "data".getBytes(StandardCharsets.UTF_8), Map.of("b", "2", "a", "1"), false, 3));

  String get(String path) {
    byte[] b = tree.get(path);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void listingsAndLeaves() {
    assertEquals("dynamic/\nmeta-data/\nuser-data", get("/latest/"));
    assertEquals("ami-id\nhostname\ninstance-id\ninstance-type\nlocal-hostname\nlocal-ipv4\nmac\nnetwork/\n"
        + "public-ipv4\npublic-keys/\ntags/", get("/2021-03-23/meta-data/"));
    assertEquals(get("/latest/meta-data"), get("/latest/meta-data/"));
    assertEquals("0=alice@x\n1=key-1", get("/latest/meta-data/public-keys/"));
    assertEquals("ssh-ed25519 BBBB", get("/latest/meta-data/public-keys/1/openssh-key"));
    assertEquals("openssh-key", get("/latest/meta-data/public-keys/0=alice@x/"));
    assertEquals("02:00:00:00:00:01/", get("/latest/meta-data/network/interfaces/macs/"));
    assertEquals("0", get("/latest/meta-data/network/interfaces/macs/02:00:00:00:00:01/device-number"));
    assertEquals("a\nb", get("/latest/meta-data/tags/instance/"));
    assertEquals("data", get("/2009-04-04/user-data"));
  }

  @Test
  void unknownPathsAreAbsent() {
    assertNull(get("/latest/meta-data/nope"));
    assertNull(get("/1.0/meta-data/instance-id"));
    assertNull(get("/latest/meta-data/public-keys/2/openssh-key"));
    assertNull(get("/latest/meta-data/public-keys/01/openssh-key"));
    assertNull(get("/latest/meta-data/instance-id/more"));
    assertNull(get("latest/meta-data"));
  }
}
