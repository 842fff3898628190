package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Linux guest under QEMU standing in for the bare-metal host, its disk served by vhost-user. Built by
 * {@code guest/build-image.sh}; QEMU 7.2 runs with TCG only here ({@code /dev/kvm} is nested and cannot run an
 * ordinary guest), and vhost-user needs the guest's memory shared by file descriptor (memfd, share=on).
 */
final class Guest {

  static final Path SCRIPT = Path.of("..", "guest", "build-image.sh").toAbsolutePath().normalize();
  static final String QEMU = "/usr/bin/qemu-system-x86_64";
  static final Path CLOUD_SCRIPT = Path.of("..", "guest", "debian-image.sh").toAbsolutePath().normalize();

  /** A NIC served by vhost-user-net on {@code socket}; the MAC is the NIC's, as QEMU gives it to the guest. */
  record Nic(Path socket, String mac) {}

  private Guest() {}

  /** Skips the test with the reason when this machine cannot run a guest. */
  static void assumeAvailable() {
    assumeRootAndQemu();
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")) && Files.isExecutable(Path.of("/sbin/mke2fs")),
        "skipped, busybox-static and e2fsprogs are needed to build the guest");
    assumeTrue(kernelPresent(), "skipped, no /boot/vmlinuz-*-cloud-amd64: apt-get install linux-image-cloud-amd64");
  }

  /** Skips the test with the reason when this machine cannot build and boot the Debian cloud guest, or SSH to it. */
  static void assumeCloudImageAvailable() {
    assumeRootAndQemu();
    assumeTrue(Files.isReadable(Path.of("/dev/net/tun")), "skipped, the lab's internet needs /dev/net/tun");
    for (String tool : List.of("/usr/bin/mmdebstrap", "/sbin/mke2fs", "/usr/bin/ssh", "/usr/bin/ssh-keygen")) {
      assumeTrue(Files.isExecutable(Path.of(tool)), "skipped, " + tool + " is missing: apt-get install mmdebstrap "
          + "e2fsprogs openssh-client");
    }
  }

  /**
   * Builds the Debian 12 cloud guest into {@code dir} (guest/debian-image.sh: from Debian's mirror the first time,
   * about 80 s, then from its cache).
   */
  static void buildCloudImage(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("sh", CLOUD_SCRIPT.toString(), dir.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("debian-image.sh failed: " + output);
    }
  }

  private static void assumeRootAndQemu() {
    assumeTrue("root".equals(System.getProperty("user.name")), "skipped, a guest needs root (shared memory, QEMU)");
    assumeTrue(Files.isExecutable(Path.of(QEMU)), "skipped, QEMU is missing: apt-get install qemu-system-x86");
  }

  private static boolean kernelPresent() {
    try (Stream<Path> s = Files.list(Path.of("/boot"))) {
      return s.anyMatch(p -> p.getFileName().toString().matches("vmlinuz-.*-cloud-amd64"));
    } catch (IOException e) {
      return false;
    }
  }

  /** Builds kernel, initramfs and root file system image into {@code dir}. */
  static void build(Path dir) throws IOException, InterruptedException {
    build(dir, null);
  }

  /** As {@link #build(Path)}, with {@code testScript} (unless null) run by the guest's init before it reports DONE. */
  static void build(Path dir, String testScript) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("sh", SCRIPT.toString(), dir.toString()));
    if (testScript != null) {
      Files.createDirectories(dir);
      Path script = dir.resolve("bmtest.sh");
      Files.writeString(script, "#!/bin/sh\n" + testScript);
      cmd.add(script.toString());
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("build-image.sh failed: " + output);
    }
  }

  /**
   * Boots the guest with {@code root=/dev/vda} on the vhost-user-blk socket, and {@code nic} unless null, and
   * returns its serial console up to the line holding {@code until} (then the guest is stopped), or everything if
   * it powers off or {@code timeoutSeconds} pass first.
   */
  static List<String> boot(Path dir, Path blkSocket, int queues, Nic nic, String until, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(QEMU, "-accel", "tcg", "-M", "pc", "-m", "256M", "-smp", Integer.toString(queues),
        "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-numa", "node,memdev=mem",
        "-nographic", "-monitor", "none", "-serial", "stdio", "-no-reboot", "-nodefaults",
        "-kernel", dir.resolve("vmlinuz").toString(), "-initrd", dir.resolve("initramfs.cpio.gz").toString(),
        "-append", "console=ttyS0 root=/dev/vda panic=-1 quiet",
        "-chardev", "socket,id=disk0,path=" + blkSocket,
        "-device", "vhost-user-blk-pci,chardev=disk0,num-queues=" + queues));
    if (nic != null) {
      // QEMU 7.2 under TCG crashes when a vhost-user virtio-net-pci uses MSI-X: vectors=0 keeps it on INTx.
      cmd.addAll(List.of("-chardev", "socket,id=nic0,path=" + nic.socket(),
          "-netdev", "vhost-user,id=net0,chardev=nic0", "-device", "virtio-net-pci,netdev=net0,vectors=0,mac="
              + nic.mac()));
    }
    // One vCPU per queue: Linux's virtio-blk uses no more queues than CPUs.
    Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(qemu.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
          }
        }
      } catch (IOException e) {
        // QEMU went away: what was read is the answer.
      }
    });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try {
      synchronized (lines) {
        while (lines.stream().noneMatch(l -> l.contains(until)) && qemu.isAlive()
            && System.nanoTime() < deadline) {
          lines.wait(100);
        }
      }
    } finally {
      qemu.destroyForcibly();
      qemu.waitFor(5, TimeUnit.SECONDS);
      reader.join(1000);
    }
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
