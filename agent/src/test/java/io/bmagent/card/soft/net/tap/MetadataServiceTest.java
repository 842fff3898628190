package io.bmagent.card.soft.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.card.CardInfo;
import io.bmagent.card.InstanceMetadata;
import io.bmagent.card.PortConfig;
import io.bmagent.card.soft.net.DropReason;
import io.bmagent.card.soft.net.MemoryUnderlay;
import io.bmagent.card.soft.net.SoftNetworkPort;
import io.bmagent.card.soft.net.conntrack.Timeouts;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.Ipv4Prefix;
import io.bmagent.net.MacAddress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The card's metadata service as a host sees it: real curl in the host's namespace, behind the soft card's TAP,
 * reaching 169.254.169.254 through its default route. The card's clock is driven by the test.
 */
class MetadataServiceTest {

  static final MacAddress MAC = MacAddress.parse("02:00:0a:4e:00:0a");
  static final String URL = "http://169.254.169.254";
  static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice";

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private Netns host;
  private SoftNetworkPort card;
  private TapHostPort tap;

  @BeforeEach
  void start() throws Exception {
    Netns.assumeRootWithTun();
    assumeTrue(Netns.run("curl", "--version").status() == 0, "skipped: needs curl (apt-get install curl)");
    long id = ProcessHandle.current().pid() % 100_000;
    host = new Netns("bmmd-" + id);
    opened.add(host);
    card = new SoftNetworkPort(new CardInfo.Limits(8, 1, 100, 100, 100, 100, 4), Timeouts.CLOUD, clock::get);
    opened.add(card);
    card.configure(new PortConfig("nic", MAC, Ipv4Address.parse("10.78.0.10"), Ipv4Prefix.parse("10.78.0.0/24"),
        Ipv4Address.parse("10.78.0.1"), 4243, 1450, List.of()));
    card.putMetadata(metadata(false, 1));
    tap = new TapHostPort("bmmt" + id);
    tap.moveTo(host.name);
    card.connect(tap, new MemoryUnderlay(0x7f000002, 0x02ee00000002L, 0x02ee000000feL));
    host.must("ip", "link", "set", "lo", "up");
    host.must("ip", "link", "set", tap.name(), "address", MAC.toString(), "mtu", "1450", "up");
    host.must("ip", "addr", "add", "10.78.0.10/24", "dev", tap.name());
    host.must("ip", "route", "add", "default", "via", "10.78.0.1");
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  static InstanceMetadata metadata(boolean tokensRequired, long version) {
    return new InstanceMetadata("i-1", "ebm.g6.8xlarge", "img-debian-12", "web-1", MAC,
        Ipv4Address.parse("10.78.0.10"), Ipv4Prefix.parse("10.78.0.0/24"), "vpc-1",
        Ipv4Address.parse("203.0.113.7"), List.of(KEY), "#cloud-config\n".getBytes(StandardCharsets.UTF_8),
        Map.of("Name", "web-1"), tokensRequired, version);
  }

  /** curl's output: the body, then the status on its own last line. */
  private String curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "5", "-w", "\n%{http_code}"));
    cmd.addAll(List.of(args));
    return host.exec(cmd.toArray(new String[0])).output();
  }

  @Test
  void servesTheTreeCloudInitReads() throws Exception {
    assertEquals("i-1\n200", curl(URL + "/latest/meta-data/instance-id"));
    assertEquals("i-1\n200", curl(URL + "/2009-04-04/meta-data/instance-id"), "any dated version");
    assertEquals("web-1\n200", curl(URL + "/latest/meta-data/local-hostname"));
    assertEquals("10.78.0.10\n200", curl(URL + "/latest/meta-data/local-ipv4"));
    assertEquals("203.0.113.7\n200", curl(URL + "/latest/meta-data/public-ipv4"));
    assertEquals(MAC + "\n200", curl(URL + "/latest/meta-data/mac"));
    assertEquals("0=alice\n200", curl(URL + "/latest/meta-data/public-keys/"));
    assertEquals("openssh-key\n200", curl(URL + "/latest/meta-data/public-keys/0/"));
    assertEquals(KEY + "\n200", curl(URL + "/latest/meta-data/public-keys/0/openssh-key"));
    assertEquals("10.78.0.0/24\n200", curl(URL + "/latest/meta-data/network/interfaces/macs/" + MAC
        + "/subnet-ipv4-cidr-block"));
    assertEquals("web-1\n200", curl(URL + "/latest/meta-data/tags/instance/Name"));
    assertEquals("#cloud-config\n\n200", curl(URL + "/latest/user-data"));
    assertTrue(curl(URL + "/latest/meta-data/").startsWith("ami-id\nhostname\ninstance-id\n"));
    assertTrue(curl(URL + "/latest/dynamic/instance-identity/document").contains("\"instanceId\" : \"i-1\""));
    assertTrue(curl(URL + "/latest/meta-data/nothing").endsWith("404"));
    String keepAlive = curl(URL + "/latest/meta-data/instance-id", URL + "/latest/meta-data/hostname");
    assertEquals("i-1\n200web-1\n200", keepAlive, "two requests on one connection");
    card.putMetadata(new InstanceMetadata("i-1", "t", "img", "web-2", MAC, Ipv4Address.parse("10.78.0.10"),
        Ipv4Prefix.parse("10.78.0.0/24"), "vpc-1", null, List.of(), new byte[0], Map.of(), false, 2));
    assertEquals("web-2\n200", curl(URL + "/latest/meta-data/hostname"), "a new version is served at once");
    assertTrue(curl(URL + "/latest/user-data").endsWith("404"), "no user-data is 404, as EC2 answers");
    assertTrue(curl(URL + "/latest/meta-data/public-ipv4").endsWith("404"));
    assertEquals(Map.of(200, 17L, 404, 3L), card.metadataCounters().responses());
    assertEquals(Map.of("200", 17L, "404", 3L), card.port().orElseThrow().stats().metadataResponses(),
        "counted in the port's stats, which the metrics endpoint exports");
  }

  @Test
  void sessionTokens() throws Exception {
    String token = curl("-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", URL + "/latest/api/token");
    assertTrue(token.endsWith("\n200"), token);
    token = token.substring(0, token.length() - 4);
    card.putMetadata(metadata(true, 2));
    assertTrue(curl(URL + "/latest/meta-data/instance-id").endsWith("401"), "required and missing");
    assertEquals("i-1\n200", curl("-H", "X-aws-ec2-metadata-token: " + token, URL + "/latest/meta-data/instance-id"));
    assertTrue(curl("-H", "X-aws-ec2-metadata-token: wrong", URL + "/latest/meta-data/instance-id").endsWith("401"));
    assertTrue(curl("-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 0", URL + "/latest/api/token")
        .endsWith("400"));
    assertTrue(curl("-X", "PUT", "-H", "X-aws-ec2-metadata-token-ttl-seconds: 60", "-H",
        "X-Forwarded-For: 198.51.100.1", URL + "/latest/api/token").endsWith("403"));
    clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
    assertTrue(curl("-H", "X-aws-ec2-metadata-token: " + token, URL + "/latest/meta-data/instance-id")
        .endsWith("401"), "expired");
  }

  @Test
  void repliesLeaveWithTtlOne() throws Exception {
    Process dump = host.start("tcpdump", "-l", "-n", "-v", "-c", "1", "-i", tap.name(),
        "src host 169.254.169.254");
    try {
      // Requests go until tcpdump, which may not be listening yet, has captured one reply.
      for (int i = 0; i < 50 && dump.isAlive(); i++) {
        curl(URL + "/latest/meta-data/instance-id");
        if (dump.waitFor(200, TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(out.contains("ttl 1,"), out);
    } finally {
      dump.destroyForcibly();
    }
  }

  @Test
  void aSpoofedSourceGetsNothing() throws Exception {
    host.must("ip", "addr", "add", "10.78.0.99/24", "dev", tap.name());
    String out = curl("--connect-timeout", "1", "--interface", "10.78.0.99", URL + "/latest/meta-data/instance-id");
    assertEquals("000", out.strip());
    assertTrue(card.counters().drops(DropReason.SPOOFED) > 0);
    assertEquals(Map.of(), card.metadataCounters().responses());
  }

  @Test
  void badHttpGetsAClear4xx() throws Exception {
    assertTrue(curl("-X", "BREW", URL + "/latest/meta-data/").endsWith("405"));
    assertTrue(curl("-H", "X-Big: " + "a".repeat(9000), URL + "/latest/meta-data/").endsWith("431"));
    assertTrue(curl("--data-binary", "x".repeat(2000), URL + "/latest/meta-data/").endsWith("413"));
    String garbage = host.exec("bash", "-c", "exec 3<>/dev/tcp/169.254.169.254/80; printf 'garbage\\r\\n\\r\\n' >&3;"
        + " timeout 5 cat <&3").output();
    assertTrue(garbage.startsWith("HTTP/1.1 400 Bad Request"), garbage);
  }

  @Test
  void slowConnectionsAreCutAndTheRateIsLimited() throws Exception {
    Process slow = host.start("bash", "-c",
        "exec 3<>/dev/tcp/169.254.169.254/80; printf 'GET /lat' >&3; echo connected; sleep 20");
    try {
      // The card holds the slow connection before the clock moves: opened later, it would outlive the first curl
      // and be cut beside a curl connection whose last ACK is still on its way, counted as timed out too.
      assertEquals("connected", new BufferedReader(new InputStreamReader(slow.getInputStream(),
          StandardCharsets.UTF_8)).readLine());
      for (int i = 0; i < 100 && card.metadataCounters().timedOut() == 0; i++) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(6));
        curl(URL + "/latest/meta-data/instance-id");
      }
      assertEquals(1, card.metadataCounters().timedOut(), "the slow connection was reset");
    } finally {
      slow.destroyForcibly();
    }
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      urls.add(URL + "/latest/meta-data/instance-id");
    }
    List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-w", "\n%{http_code}\n"));
    cmd.addAll(urls);
    String codes = host.exec(cmd.toArray(new String[0])).output();
    long ok = codes.lines().filter("200"::equals).count();
    long limited = codes.lines().filter("429"::equals).count();
    assertEquals(250, ok + limited, codes + card.metadataCounters().responses());
    assertTrue(ok <= 200 && limited >= 50, codes);
  }
}
