package io.bmagent.card.soft.net.tap;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline of {@link VxlanPeerHarness}: two namespaces joined by the kernel's VXLAN on a veth underlay, built
 * as {@link KernelPeer} builds its peer (MTU 1500, transmit offloads off), with 10.88.0.1 and 10.88.0.2 on the
 * overlay.
 */
final class KernelPair implements AutoCloseable {

  static final String IP_A = "10.88.0.1";
  static final String IP_B = "10.88.0.2";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  final Netns a;
  final Netns b;

  KernelPair() throws Exception {
    int id = (int) (ProcessHandle.current().pid() % 100_000) * 10 + SEQUENCE.getAndIncrement() % 10;
    int n = id % 16_384;
    String net = "198.19." + (n >> 6) + ".";
    a = new Netns("bmka-" + id);
    Netns second;
    try {
      second = new Netns("bmkb-" + id);
    } catch (Exception e) {
      a.close();
      throw e;
    }
    b = second;
    try {
      Netns.Result r = Netns.run("ip", "link", "add", "bmkx" + id, "netns", a.name, "type", "veth", "peer", "name",
          "bmky" + id, "netns", b.name);
      if (r.status() != 0) {
        throw new IllegalStateException("veth: " + r.output());
      }
      side(a, "bmkx" + id, net + ((n & 63) * 4 + 1), net + ((n & 63) * 4 + 2), IP_A, "02:00:0a:58:00:01");
      side(b, "bmky" + id, net + ((n & 63) * 4 + 2), net + ((n & 63) * 4 + 1), IP_B, "02:00:0a:58:00:02");
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private static void side(Netns ns, String veth, String local, String remote, String overlay, String mac)
      throws Exception {
    ns.must("ip", "link", "set", "lo", "up");
    ns.must("ip", "addr", "add", local + "/30", "dev", veth);
    ns.must("ip", "link", "set", veth, "up");
    ns.must("ethtool", "-K", veth, "tx", "off");
    ns.must("ip", "link", "add", "vxlan0", "type", "vxlan", "id", "4242", "local", local, "remote", remote,
        "dstport", "4789", "dev", veth);
    ns.must("ip", "link", "set", "vxlan0", "address", mac, "mtu", "1450", "up");
    ns.must("ip", "addr", "add", overlay + "/24", "dev", "vxlan0");
  }

  @Override
  public void close() throws Exception {
    a.close();
    b.close();
  }
}
