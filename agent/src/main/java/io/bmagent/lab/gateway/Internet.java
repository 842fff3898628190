package io.bmagent.lab.gateway;

import io.bmagent.lab.Commands;

import io.bmagent.card.VpcMapping;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import java.io.IOException;
import java.util.List;

/**
 * The lab's internet: a network namespace holding one host at {@link #ADDRESS} (TEST-NET-3, RFC 5737), reached from
 * the VPC through a {@link VpcGatewayNode}, with a route to each elastic IP through the gateway. Commands run in it
 * as a user's machine somewhere else would run them. Needs root.
 */
public final class Internet implements AutoCloseable {

  /** The internet host's own address. */
  public static final String ADDRESS = "203.0.113.10";
  /** The gateway's MAC, in the overlay (the control plane's {@code VpcGateway.mac}) and on the internet side. */
  public static final MacAddress GATEWAY_MAC = MacAddress.parse("02:00:00:00:ff:01");
  private static final MacAddress HOST_MAC = MacAddress.parse("02:00:cb:00:71:0a");
  /** Any address on the link: the gateway answers every ARP request there (proxy ARP). */
  private static final String NEXT_HOP = "203.0.113.1";

  private final String namespace;
  private final VpcGatewayNode gateway;

  private Internet(String namespace, VpcGatewayNode gateway) {
    this.namespace = namespace;
    this.gateway = gateway;
  }

  /**
   * Creates the namespace {@code namespace} (replacing a stale one from an earlier run) and the gateway on
   * {@code underlay}:{@code underlayPort} with its TAP {@code tap} in it.
   *
   * @param elasticIps each elastic IP with the card holding it and the host's MAC, as {@link VpcGatewayNode} takes
   */
  public static Internet create(String namespace, String tap, Ipv4Address underlay, int underlayPort,
      List<VpcMapping> elasticIps) throws IOException, InterruptedException {
    Commands.run("ip", "netns", "del", namespace);
    Commands.must("ip", "netns", "add", namespace);
    VpcGatewayNode gateway = null;
    try {
      Commands.must("ip", "-n", namespace, "link", "set", "lo", "up");
      gateway = new VpcGatewayNode(underlay, underlayPort, GATEWAY_MAC, namespace, tap, HOST_MAC, elasticIps);
      Commands.must("ip", "-n", namespace, "addr", "add", ADDRESS + "/24", "dev", tap);
      for (VpcMapping eip : elasticIps) {
        Commands.must("ip", "-n", namespace, "route", "add", eip.ip() + "/32", "via", NEXT_HOP, "dev", tap);
      }
      return new Internet(namespace, gateway);
    } catch (IOException | InterruptedException | RuntimeException e) {
      if (gateway != null) {
        gateway.close();
      }
      Commands.run("ip", "netns", "del", namespace);
      throw e;
    }
  }

  public String namespace() {
    return namespace;
  }

  public VpcGatewayNode gateway() {
    return gateway;
  }

  /** {@code command} as run from the internet host, for a user to paste. */
  public String shell(String command) {
    return "ip netns exec " + namespace + " " + command;
  }



  @Override
  public void close() throws InterruptedException, IOException {
    gateway.close();
    Commands.run("ip", "netns", "del", namespace);
  }
}
