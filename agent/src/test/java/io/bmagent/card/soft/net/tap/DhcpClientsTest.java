package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.card.CardInfo;
import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.DropReason;
import io.bmagent.card.soft.net.MemoryUnderlay;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent DHCP clients against the card's responder through a TAP in the host's namespace: busybox udhcpc and ISC
 * dhclient take their lease, dhcpcd's INFORM is answered with the configuration alone (RFC 2131, 4.3.5), and a
 * REQUEST that names another server (busybox udhcpd on the same segment) is left to that server (4.3.2). The clients'
 * scripts only write down what they were given: none touches the machine's resolv.conf nor the interface.
 */
class DhcpClientsTest {

  static final MacAddress MAC = MacAddress.parse("02:00:0a:4d:00:0a");
  private static final Pattern IP_SOURCE = Pattern.compile("^\\s+([0-9.]+)\\.\\d+ > ");
  private static final Pattern MESSAGE_TYPE = Pattern.compile("DHCP-Message \\(53\\), length 1: (\\w+)");

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private Netns host;
  private TapHostPort tap;
  private SoftNetworkPort card;

  @BeforeEach
  void start() throws Exception {
    Netns.assumeRootWithTun();
    long id = ProcessHandle.current().pid() % 100_000;
    host = new Netns("bmdh-" + id);
    opened.add(host);
    card = new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, 100, 4));
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
    assertTheCardsLease(parse(Files.readString(out)));
  }

  @Test
  void iscDhclient() throws Exception {
    assumeTrue(Netns.run("dhclient", "--version").status() == 0,
        "skipped: needs ISC dhclient (apt-get install isc-dhcp-client)");
    assertTheCardsLease(dhclient(tap.name(), null));
  }

  @Test
  void dhcpcdInformIsAnsweredWithTheConfiguration() throws Exception {
    assumeTrue(Netns.run("dhcpcd", "--version").status() == 0,
        "skipped: needs dhcpcd (apt-get install dhcpcd-base)");
    host.must("ip", "addr", "add", "10.77.0.10/24", "dev", tap.name());
    Path out = dir.resolve("dhcpcd.env");
    Path script = script("dhcpcd.sh", "[ \"$reason\" = TEST ] && env | grep '^new_' | sort > " + out + ".tmp && mv "
        + out + ".tmp " + out);
    // Test mode (-T): dhcpcd sends the INFORM from the address the interface has and only runs the script on the reply.
    Netns.Result r = host.exec("timeout", "20", "dhcpcd", "-4", "-T", "-t", "10", "-c", script.toString(),
        "--inform", "10.77.0.10/24", tap.name());
    assertTrue(Files.exists(out), "dhcpcd's INFORM was answered; dhcpcd said: " + r.output());
    String env = Files.readString(out);
    assertTrue(env.contains("new_dhcp_message_type=5"), env);
    assertTrue(env.contains("new_routers=10.77.0.1"), env);
    assertTrue(env.contains("new_domain_name_servers=10.77.0.2"), env);
    assertTrue(env.contains("new_dhcp_server_identifier=10.77.0.1"), env);
    assertTrue(env.contains("new_interface_mtu=1450"), env);
    // RFC 2131, 4.3.5: the answer to an INFORM carries no lease.
    assertFalse(env.contains("new_dhcp_lease_time"), env);
  }

  /**
   * A second server (busybox udhcpd) shares the host's segment through a bridge, and dhclient refuses the card's offer
   * ({@code reject}), so its REQUEST names the other server: the card must leave it to that server.
   */
  @Test
  void aRequestForAnotherServerIsLeftToThatServer() throws Exception {
    assumeTrue(Netns.run("dhclient", "--version").status() == 0,
        "skipped: needs ISC dhclient (apt-get install isc-dhcp-client)");
    assumeTrue(Netns.run("busybox", "udhcpd", "--help").output().contains("udhcpd"),
        "skipped: needs busybox with udhcpd (apt-get install busybox)");
    Netns other = new Netns(host.name + "s");
    opened.add(other);
    host.must("ip", "link", "set", tap.name(), "address", "02:00:0a:4d:00:0b");
    host.must("ip", "link", "add", "br0", "address", MAC.toString(), "type", "bridge");
    host.must("ip", "link", "set", tap.name(), "master", "br0");
    host.must("ip", "link", "add", "vh", "type", "veth", "peer", "name", "vs", "netns", other.name);
    host.must("ip", "link", "set", "vh", "master", "br0", "up");
    host.must("ip", "link", "set", "br0", "up");
    other.must("ip", "link", "set", "vs", "up");
    other.must("ip", "addr", "add", "10.77.0.50/24", "dev", "vs");
    Path conf = dir.resolve("udhcpd.conf");
    Files.writeString(conf, "interface vs\nstart 10.77.0.100\nend 10.77.0.110\nmax_leases 10\nlease_file "
        + dir.resolve("udhcpd.leases") + "\npidfile " + dir.resolve("udhcpd.pid")
        + "\noption subnet 255.255.255.0\noption router 10.77.0.50\noption lease 600\n");
    Process server = other.start("busybox", "udhcpd", "-f", conf.toString());
    opened.add(server::destroy);
    Netns.Capture capture = host.capture(40, "-i", tap.name(), "-n", "-l", "-v", "udp port 67");
    opened.add(capture.process()::destroy);
    BufferedReader captured = capture.lines();
    Path clientConf = dir.resolve("dhclient.conf");
    Files.writeString(clientConf, "reject 10.77.0.1;\n");
    long before = card.counters().drops(DropReason.DHCP);
    Map<String, String> lease = dhclient("br0", clientConf);
    assertEquals("10.77.0.50", lease.get("server"), "the lease comes from the other server");
    String ip = lease.get("ip");
    int host = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
    assertTrue(ip.startsWith("10.77.0.") && host >= 100 && host <= 110, "an address of the other server's pool: " + ip);
    // A signal alone (Process.destroy would close the stream): tcpdump writes out what it holds and ends the stream.
    capture.process().toHandle().destroy();
    List<String> fromCard = new ArrayList<>();
    boolean requestSeen = false;
    String source = "";
    for (String line = captured.readLine(); line != null; line = captured.readLine()) {
      Matcher m = IP_SOURCE.matcher(line);
      if (m.find()) {
        source = m.group(1);
      }
      Matcher t = MESSAGE_TYPE.matcher(line);
      if (t.find()) {
        requestSeen |= t.group(1).equals("Request");
        if (source.equals("10.77.0.1")) {
          fromCard.add(t.group(1));
        }
      }
    }
    assertTrue(requestSeen, "the REQUEST passed the card's port");
    assertFalse(fromCard.isEmpty(), "the card made its offer");
    assertTrue(fromCard.stream().allMatch("Offer"::equals), "the card only offered: " + fromCard);
    assertTrue(card.counters().drops(DropReason.DHCP) > before, "the REQUEST is counted as unanswered");
  }

  /** Runs dhclient on {@code iface} (with {@code conf}, or none) until it is bound, and returns what it was given. */
  private Map<String, String> dhclient(String iface, Path conf) throws Exception {
    Path out = dir.resolve("dhclient.env");
    Path script = script("dhclient.sh", "[ \"$reason\" = BOUND ] && echo \"ip=$new_ip_address "
        + "mask=$new_subnet_mask router=$new_routers dns=$new_domain_name_servers mtu=$new_interface_mtu "
        + "lease=$new_dhcp_lease_time server=$new_dhcp_server_identifier\" > " + out + ".tmp && mv " + out + ".tmp "
        + out);
    List<String> cmd = new ArrayList<>(List.of("dhclient", "-4", "-d", "-1", "-v", "-sf", script.toString(), "-lf",
        dir.resolve("leases").toString(), "-pf", dir.resolve("pid").toString()));
    if (conf != null) {
      cmd.addAll(List.of("-cf", conf.toString()));
    }
    cmd.add(iface);
    // In the foreground (-d), so that the test owns the process and ends it once the lease is written down.
    Process p = host.start(cmd.toArray(String[]::new));
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
    return parse(Files.readString(out));
  }

  /** The port's configuration, as the client wrote it down. */
  private static void assertTheCardsLease(Map<String, String> lease) {
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
