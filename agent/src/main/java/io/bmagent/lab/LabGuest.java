package io.bmagent.lab;

import io.bmagent.api.v1.Image;
import io.bmagent.api.v1.ImageKind;
import io.bmagent.card.VpcMapping;
import io.bmagent.domain.ImagePolicy;
import io.bmagent.lab.gateway.Internet;
import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code bm-agent lab --guest}: a real cloud OS as the host. Debian 12, built from Debian's packages by
 * {@code guest/debian-image.sh}, boots under QEMU on the soft card's vhost-user devices; the lab's internet namespace
 * reaches it by SSH through its elastic IP with a key made for the lab, which the card's metadata service hands to
 * cloud-init.
 */
final class LabGuest {

  static final String HOSTNAME = "lab-guest";
  static final String ELASTIC_IP = "198.51.100.10";
  static final Image IMAGE = Image.newBuilder().setImageId("img-debian-12").setKind(ImageKind.IMAGE_KIND_OFFICIAL)
      .setOsFamily("Debian").setOsVersion("12").build();
  static final String INTERNET = "bmlab-internet";

  private final Path dir;
  private final Path key;

  private LabGuest(Path dir, Path key) {
    this.dir = dir;
    this.key = key;
  }

  /**
   * Builds (or takes from its cache) the image into {@code dir}/guest and makes the lab's key pair
   * {@code dir}/id_ed25519; fails with what is missing when this machine cannot run the guest.
   */
  static LabGuest prepare(Path dir) throws IOException, InterruptedException {
    if (!HostNamespace.possible()) {
      throw new IOException("--guest needs root and /dev/net/tun (QEMU's shared memory, the lab's internet)");
    }
    for (String tool : List.of("qemu-system-x86_64", "mmdebstrap", "ssh", "ssh-keygen")) {
      if (Commands.run(List.of("sh", "-c", "command -v " + tool), false) != 0) {
        throw new IOException("--guest needs " + tool + ": apt-get install qemu-system-x86 mmdebstrap "
            + "openssh-client");
      }
    }
    Path script = Path.of(System.getProperty("bmagent.home", ".")).resolve("guest").resolve("debian-image.sh");
    if (!Files.isReadable(script)) {
      throw new IOException("--guest needs " + script + " (run bm-agent from its source tree)");
    }
    Path image = dir.resolve("guest");
    if (Commands.run(List.of("sh", script.toString(), image.toString()), true) != 0) {
      throw new IOException(script + " failed");
    }
    Path key = dir.resolve("id_ed25519");
    if (!Files.exists(key) && Commands.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lab-user", "-f",
        key.toString()), false) != 0) {
      throw new IOException("ssh-keygen failed");
    }
    return new LabGuest(dir, key);
  }

  /** The lab's images: the product's own, and this Debian. */
  static ImagePolicy imagePolicy() {
    List<ImagePolicy.Rule> rules = new ArrayList<>(ImagePolicy.builtIn().rules());
    rules.add(new ImagePolicy.Rule("Debian 12 (bm-agent lab --guest)", "Debian", "12", Set.of(IMAGE.getImageId())));
    return new ImagePolicy("the lab's image policy", rules, true);
  }

  Path rootfs() {
    return dir.resolve("guest").resolve("rootfs.img");
  }

  /** The soft card's host is QEMU on vhost-user devices instead of a namespace. */
  Map<String, String> cardOptions() {
    return Map.of("vhost-user-dir", dir.resolve("vhost").toString(), "host-vhost-user",
        dir.resolve("nic.sock").toString(), "host-qemu", dir.resolve("guest").toString());
  }

  String publicKey() throws IOException {
    return Files.readString(Path.of(key + ".pub")).strip();
  }

  /** The internet with the route to the elastic IP held by the card on {@code cardUnderlay}. */
  Internet internet(String cardUnderlay, int underlayPort) throws IOException, InterruptedException {
    return Internet.create(INTERNET, "bmlabi0", Ipv4Address.parse(ControlPlane.GATEWAY), underlayPort,
        List.of(new VpcMapping(ControlPlane.VNI, Ipv4Address.parse(ELASTIC_IP), MacAddress.parse(ControlPlane.MAC),
            Ipv4Address.parse(cardUnderlay))));
  }

  /** The user's command: ssh from the internet to the elastic IP, running {@code command} if not empty. */
  List<String> ssh(String command) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", INTERNET, "ssh", "-i", key.toString(),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "root@" + ELASTIC_IP));
    if (!command.isEmpty()) {
      cmd.addAll(5, List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=5"));
      cmd.add(command);
    }
    return cmd;
  }

  /** Tries to log in every 2 s until it works (true) or {@code seconds} pass. */
  boolean awaitLogin(int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Commands.run(ssh("true"), false) == 0) {
        return true;
      }
      Thread.sleep(2000);
    }
    return false;
  }

}
