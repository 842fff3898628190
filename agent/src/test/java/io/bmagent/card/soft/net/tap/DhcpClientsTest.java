package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.MemoryUnderlay;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two independent DHCP clients, busybox udhcpc and ISC dhclient, take their lease from the card's responder through
 * a TAP in the host's namespace. Their scripts only write down what they were given: neither touches the machine's
 * resolv.conf nor the interface.
 */
class DhcpClientsTest {

  static final MacAddress MAC = MacAddress.parse("02:00:0a:4d:00:0a");

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Netns host;
  private TapHostPort tap;

  @BeforeEach
  void start() throws Exception {
    Netns.assumeRootWithTun();
    long id = ProcessHandle.current().pid() % 100_000;
    host = new Netns("bmdh-" + id);
    opened.add(host);
    SoftNetworkPort card = new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, 100, 4));
    opened.add(card);
    card.configure(new PortConfig("nic", MAC, Ipv4Address.parse("10.77.0.10"), Ipv4Prefix.parse("10.77.0.0/24"),
        Ipv4Address.parse("10.77.0.1"), 4242, 1450, List.of(Ipv4Address.parse("10.77.0.2"))));
    tap = new TapHostPort("bmdt" + id);
    tap.moveTo(host.name);
    card.connect(tap, new MemoryUnderlay(0x7f000002, 0x02ee00000002L, 0x02ee000000feL));
    host.must("ip", "link", "set", "lo", "up");
    host.must("ip", "link", "set", tap.name(), "address", MAC.toString(), "up");
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void busyboxUdhcpc() throws Exception {
    assumeTrue(Netns.run("busybox", "udhcpc", "--help").output().contains("udhcpc"),
        "skipped: needs busybox with udhcpc (apt-get install busybox)");
    Path out = dir.resolve("udhcpc.env");
    Path script = script("udhcpc.sh", "[ \"$1\" = bound ] && echo \"ip=$ip mask=$subnet router=$router dns=$dns "
        + "mtu=$mtu lease=$lease server=$serverid\" > " + out);
    Netns.Result r = host.exec("busybox", "udhcpc", "-i", tap.name(), "-f", "-q", "-n", "-t", "5", "-T", "2",
        "-O", "mtu", "-s", script.toString());
    assertEquals(0, r.status(), r.output());
    Map<String, String> lease = parse(Files.readString(out));
    assertEquals("10.77.0.10", lease.get("ip"));
    assertEquals("255.255.255.0", lease.get("mask"));
    assertEquals("10.77.0.1", lease.get("router"));
    assertEquals("10.77.0.2", lease.get("dns"));
    assertEquals("1450", lease.get("mtu"));
    assertEquals("86400", lease.get("lease"));
    assertEquals("10.77.0.1", lease.get("server"));
  }

  @Test
  void iscDhclient() throws Exception {
    assumeTrue(Netns.run("dhclient", "--version").status() == 0,
        "skipped: needs ISC dhclient (apt-get install isc-dhcp-client)");
    Path out = dir.resolve("dhclient.env");
    Path script = script("dhclient.sh", "[ \"$reason\" = BOUND ] && echo \"ip=$new_ip_address "
        + "mask=$new_subnet_mask router=$new_routers dns=$new_domain_name_servers mtu=$new_interface_mtu "
        + "lease=$new_dhcp_lease_time server=$new_dhcp_server_identifier\" > " + out + ".tmp && mv " + out + ".tmp "
        + out);
    // In the foreground (-d), so that the test owns the process and ends it once the lease is written down.
    Process p = host.start("dhclient", "-4", "-d", "-1", "-v", "-sf", script.toString(), "-lf",
        dir.resolve("leases").toString(), "-pf", dir.resolve("pid").toString(), tap.name());
    try {
      for (int i = 0; i < 300 && !Files.exists(out) && p.isAlive(); i++) {
        Thread.sleep(100);
      }
      assertTrue(Files.exists(out), "dhclient bound: " + (p.isAlive() ? "" : new String(
          p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)));
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    Map<String, String> lease = parse(Files.readString(out));
    assertEquals("10.77.0.10", lease.get("ip"));
    assertEquals("255.255.255.0", lease.get("mask"));
    assertEquals("10.77.0.1", lease.get("router"));
    assertEquals("10.77.0.2", lease.get("dns"));
    assertEquals("1450", lease.get("mtu"));
    assertEquals("86400", lease.get("lease"));
    assertEquals("10.77.0.1", lease.get("server"));
  }

  private Path script(String name, String body) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\nexit 0\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private static Map<String, String> parse(String line) {
    Map<String, String> m = new HashMap<>();
    for (String kv : line.strip().split(" ")) {
      int eq = kv.indexOf('=');
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }
}
