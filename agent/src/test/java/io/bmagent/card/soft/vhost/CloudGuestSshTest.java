package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.AssociateElasticIpRequest;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.Direction;
import io.bmagent.api.v1.GetConsoleOutputRequest;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.NetworkInterfaceSpec;
import io.bmagent.api.v1.PortRange;
import io.bmagent.api.v1.Protocol;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.PutSecurityGroupRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.SecurityGroupRule;
import io.bmagent.api.v1.UpdateInstanceRequest;
import io.bmagent.api.v1.UpsertVpcMappingsRequest;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.card.VpcMapping;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.card.soft.net.tap.VpcHosts;
import io.bmagent.lab.gateway.Internet;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Resources;
import io.bmagent.testing.Specs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's first act on a bare-metal instance, with a real cloud OS as the host: Debian 12 from Debian's packages
 * (guest/debian-image.sh) boots from its cloud disk over vhost-user-blk, takes its address from the card's DHCP and
 * its hostname and SSH key from the card's metadata service (unmodified cloud-init, Ec2 datasource), and the user
 * logs in with OpenSSH from the internet through the instance's elastic IP:
 *
 * <pre>
 *   QEMU guest 10.79.0.10 ── vhost-user ── card 127.0.0.21 ── VXLAN ── gateway 127.0.0.22 ── internet 203.0.113.10
 *                 (elastic IP 198.51.100.79)                                                  ssh root@198.51.100.79
 * </pre>
 *
 * The security group's TCP 22 rule is what lets the user in: without it new connections fail, with it back they
 * work. A key replaced by UpdateInstance is the only one that works after a reboot.
 */
class CloudGuestSshTest {

  static final int VNI = 4646;
  static final String NQN = "nqn.2026-12.io.bmagent:cloud-guest";
  static final String BOOT = "vol-cloud-guest";
  static final String HOSTNAME = "cloud-guest-1";
  static final String GUEST_IP = "10.79.0.10";
  static final String GUEST_MAC = "02:00:0a:4f:00:0a";
  static final String ELASTIC_IP = "198.51.100.79";
  static final String CARD = "127.0.0.21";
  static final String GATEWAY = "127.0.0.22";
  /** A boot under TCG takes about 80 s here; the first boot also makes the host's SSH keys. */
  static final int BOOT_SECONDS = 420;

  @TempDir Path dir;

  private final Resources resources = new Resources();

  @AfterEach
  void closeResources() throws Exception {
    resources.close();
  }

  @Test
  void theUserLogsInWithTheirKeyThroughTheElasticIpAndOnlyTheCurrentKeyWorks() throws Exception {
    Guest.assumeCloudImageAvailable();
    long id = ProcessHandle.current().pid() % 100_000;
    Path image = dir.resolve("image");
    Guest.buildCloudImage(image);
    Path oldKey = SshClient.newKey(dir.resolve("user-key"));
    Path newKey = SshClient.newKey(dir.resolve("user-key-2"));

    GuestDisk disk = resources.add(GuestDisk.serveInPlace(image.resolve("rootfs.img"), NQN, BOOT));
    int underlayPort = VpcHosts.commonFreePort(CARD, GATEWAY);
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", CARD,
        "underlay-port", Integer.toString(underlayPort), "vhost-user-dir", dir.resolve("vhost").toString(),
        "host-vhost-user", dir.resolve("nic.sock").toString(), "host-qemu", image.toString()));
    AgentFixture agent = resources.add(new AgentFixture(dir.resolve("state"), card));
    // The host outlives its card's software; the test's end is its end.
    resources.add(() -> card.qemuHost().ifPresent(q -> q.powerOff(true, Duration.ZERO)));
    Internet internet = resources.add(Internet.create("bmcg-i-" + id, "bmcgi" + id, Ipv4Address.parse(GATEWAY),
        underlayPort, List.of(new VpcMapping(VNI, Ipv4Address.parse(ELASTIC_IP), MacAddress.parse(GUEST_MAC),
            Ipv4Address.parse(CARD)))));
    SshClient user = new SshClient(internet.namespace(), "root@" + ELASTIC_IP);

    // The control plane: the group, the VPC's gateway, the instance with the user's key, its elastic IP.
    long provisioned = System.nanoTime();
    agent.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group(true)).build());
    agent.network.upsertVpcMappings(UpsertVpcMappingsRequest.newBuilder().addGateways(VpcGateway.newBuilder()
        .setVni(VNI).setUnderlayIp(GATEWAY).setMac(Internet.GATEWAY_MAC.toString())).build());
    agent.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-cloud-guest")
        .setSpec(Specs.instance().toBuilder().setHostname(HOSTNAME).addSshPublicKeys(SshClient.publicKey(oldKey))
            .setPrimaryNic(NetworkInterfaceSpec.newBuilder().setNicId("eni-cloud-guest").setMac(GUEST_MAC)
                .setVpcId("vpc-cloud-guest").setVni(VNI).setSubnetCidr("10.79.0.0/24").setGatewayIp("10.79.0.1")
                .setPrivateIpv4(GUEST_IP).addDnsServers("10.79.0.2").addSecurityGroupIds("sg-ssh"))
            .setBootDisk(BootDisk.newBuilder().setCloudVolume(disk.spec)))
        .setStartAfterProvisioning(true).build());
    agent.network.associateElasticIp(AssociateElasticIpRequest.newBuilder().setNicId("eni-cloud-guest")
        .setPublicIp(ELASTIC_IP).build());
    agent.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING, 120);

    assertEquals(HOSTNAME, user.awaitLogin(oldKey, "hostname", BOOT_SECONDS, card),
        "the user's key from the metadata service lets them in, and the hostname is the card's");
    long loggedIn = System.nanoTime();
    user.awaitBooted(oldKey, BOOT_SECONDS, card);
    String bootId = user.must(oldKey, "cat /proc/sys/kernel/random/boot_id");
    String addresses = user.must(oldKey, "ip -4 -o addr show");
    assertTrue(addresses.contains(GUEST_IP + "/24"), "the guest's address is the one the card's DHCP leased: "
        + addresses);
    String console = agent.instances.getConsoleOutput(GetConsoleOutputRequest.newBuilder()
        .setInstanceId("i-cloud-guest").build()).getOutput().toStringUtf8();
    assertTrue(console.contains("] Linux version ") && console.contains("cloud-init"),
        "the console output holds the kernel's and cloud-init's boot messages:\n" + console);

    // The group's TCP 22 rule is what lets the user in.
    agent.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group(false)).build());
    AgentFixture.awaitTrue(() -> card.network().rules().stream().noneMatch(r -> r.ports().from() == 22),
        "the group without TCP 22 on the card");
    SshClient.Result cut = user.run(oldKey, "hostname");
    assertNotEquals(0, cut.status(), "no new connection without the rule: " + cut.error());
    assertTrue(cut.error().contains("timed out"), "the card drops the SYN: " + cut.error());
    agent.network.putSecurityGroup(PutSecurityGroupRequest.newBuilder().setSecurityGroup(group(true)).build());
    AgentFixture.awaitTrue(() -> card.network().rules().stream().anyMatch(r -> r.ports().from() == 22),
        "the group with TCP 22 back on the card");
    assertEquals(HOSTNAME, user.must(oldKey, "hostname"), "the rule back lets the user in again");

    // The key replaced through the API is the only one after a reboot.
    Instance current = agent.instances.getInstance(GetInstanceRequest.getDefaultInstance());
    agent.instances.updateInstance(UpdateInstanceRequest.newBuilder().setGeneration(current.getGeneration())
        .setSpec(current.getSpec().toBuilder().clearSshPublicKeys().addSshPublicKeys(SshClient.publicKey(newKey)))
        .build());
    agent.instances.rebootInstance(RebootInstanceRequest.newBuilder().setRequestId("reboot-new-key").build());
    assertEquals(HOSTNAME, user.awaitLogin(newKey, "hostname", BOOT_SECONDS, card), "the new key lets the user in");
    user.awaitBooted(newKey, BOOT_SECONDS, card);
    assertNotEquals(bootId, user.must(newKey, "cat /proc/sys/kernel/random/boot_id"), "the host rebooted");
    SshClient.Result old = user.run(oldKey, "hostname");
    assertNotEquals(0, old.status(), "the old key no longer works");
    assertTrue(old.error().contains("Permission denied"), "the host refuses the old key: " + old.error());

    System.out.printf("Cloud guest: ProvisionInstance to the first SSH login through the elastic IP %d ms (QEMU TCG, "
        + "Debian 12, cloud-init)%n", TimeUnit.NANOSECONDS.toMillis(loggedIn - provisioned));
  }

  /** SSH from anywhere (or not), ICMP from anywhere, all egress. */
  private static SecurityGroup group(boolean ssh) {
    SecurityGroup.Builder g = SecurityGroup.newBuilder().setSecurityGroupId("sg-ssh")
        .addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_INGRESS)
            .setProtocol(Protocol.PROTOCOL_ICMP).setRemoteCidr("0.0.0.0/0"))
        .addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_EGRESS)
            .setProtocol(Protocol.PROTOCOL_ALL).setRemoteCidr("0.0.0.0/0"));
    if (ssh) {
      g.addRules(SecurityGroupRule.newBuilder().setDirection(Direction.DIRECTION_INGRESS)
          .setProtocol(Protocol.PROTOCOL_TCP).setPorts(PortRange.newBuilder().setFrom(22).setTo(22))
          .setRemoteCidr("0.0.0.0/0"));
    }
    return g.build();
  }
}
