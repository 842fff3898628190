package io.bmagent.card.soft.vhost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bare-metal host played by a QEMU guest: power on starts QEMU on the card's vhost-user sockets, a graceful
 * power off presses the ACPI power button and pulls the plug once the timeout passed, a reset presses the reset
 * button. The image directory holds {@code vmlinuz} and {@code initramfs.cpio.gz} (guest/build-image.sh); the
 * guest's serial console goes to {@code console.log} in the work directory.
 */
public final class QemuHost {

  static final String QEMU = "qemu-system-x86_64";
  private final Path image;
  private final Path work;
  private final Supplier<List<Path>> disks;
  private final Path nic;
  private final Supplier<Optional<String>> mac;
  private final Runnable poweredItselfOff;
  private Process qemu;

  /**
   * @param disks the vhost-user-blk sockets, boot disk first (it becomes /dev/vda)
   * @param nic the vhost-user-net socket, or null
   * @param mac the NIC's MAC, which QEMU gives the guest; empty while the port is not configured
   * @param poweredItselfOff told when QEMU ends without being asked to: the guest's OS powered off
   */
  public QemuHost(Path image, Path work, Supplier<List<Path>> disks, Path nic, Supplier<Optional<String>> mac,
      Runnable poweredItselfOff) {
    this.image = image;
    this.work = work;
    this.disks = disks;
    this.nic = nic;
    this.mac = mac;
    this.poweredItselfOff = poweredItselfOff;
  }

  public Path console() {
    return work.resolve("console.log");
  }

  private Path qmpSocket() {
    return work.resolve("qmp.sock");
  }

  public synchronized boolean running() {
    return qemu != null && qemu.isAlive();
  }

  public synchronized void powerOn() {
    if (running()) {
      return;
    }
    try {
      Files.createDirectories(work);
      Files.deleteIfExists(qmpSocket());
      qemu = new ProcessBuilder(command()).redirectErrorStream(true)
          .redirectOutput(work.resolve("qemu.log").toFile()).start();
      Process started = qemu;
      started.onExit().thenRun(() -> exited(started));
      awaitQmp();
    } catch (IOException e) {
      kill();
      throw new UncheckedIOException("cannot start the host's QEMU", e);
    }
  }

  /** Visible to tests, which check the devices' order without starting QEMU. */
  List<String> command() {
    // TCG: the lab's machines have no usable KVM. vhost-user needs the guest's memory shared by file descriptor.
    List<String> cmd = new ArrayList<>(List.of(QEMU, "-accel", "tcg", "-M", "pc", "-m", "256M", "-smp", "2",
        "-object", "memory-backend-memfd,id=mem,size=256M,share=on", "-numa", "node,memdev=mem",
        "-display", "none", "-monitor", "none", "-nodefaults", "-serial", "file:" + console(),
        "-qmp", "unix:" + qmpSocket() + ",server=on,wait=off",
        "-kernel", image.resolve("vmlinuz").toString(), "-initrd", image.resolve("initramfs.cpio.gz").toString(),
        "-append", "console=ttyS0 root=/dev/vda panic=-1 quiet"));
    int i = 0;
    for (Path disk : disks.get()) {
      cmd.addAll(List.of("-chardev", "socket,id=disk" + i + ",path=" + disk,
          "-device", "vhost-user-blk-pci,chardev=disk" + i + ",num-queues=2"));
      i++;
    }
    Optional<String> m = mac.get();
    if (nic != null && m.isPresent()) {
      // QEMU 7.2 under TCG crashes when a vhost-user virtio-net-pci uses MSI-X: vectors=0 keeps it on INTx.
      cmd.addAll(List.of("-chardev", "socket,id=nic0,path=" + nic, "-netdev", "vhost-user,id=net0,chardev=nic0",
          "-device", "virtio-net-pci,netdev=net0,vectors=0,mac=" + m.get()));
    }
    return cmd;
  }

  private void awaitQmp() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(qmpSocket())) {
      if (!qemu.isAlive()) {
        throw new IOException("QEMU exited with " + qemu.exitValue() + ": " + Files.readString(work.resolve("qemu.log")));
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("QEMU did not open its QMP socket in 10 s");
      }
      sleep(20);
    }
  }

  /** ACPI power button, then the plug after {@code graceful}; {@code force} pulls the plug at once. */
  public synchronized void powerOff(boolean force, Duration graceful) {
    if (!running()) {
      qemu = null;
      return;
    }
    if (!force) {
      try {
        new Qmp(qmpSocket()).execute("system_powerdown");
        qemu.waitFor(graceful.toMillis(), TimeUnit.MILLISECONDS);
      } catch (IOException e) {
        // QEMU is not answering: the plug is all that is left.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill();
  }

  /** The reset button: the guest restarts on the same devices. */
  public synchronized void reset() {
    try {
      new Qmp(qmpSocket()).execute("system_reset");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the host's QEMU", e);
    }
  }

  /** Whoever stops QEMU on purpose clears {@code qemu} under the lock first, so only an exit of its own is told. */
  private void exited(Process process) {
    synchronized (this) {
      if (qemu != process) {
        return;
      }
      qemu = null;
    }
    poweredItselfOff.run();
  }

  private void kill() {
    if (qemu != null) {
      qemu.destroyForcibly();
      try {
        qemu.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      qemu = null;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
