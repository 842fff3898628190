package io.bmagent.card.soft.vhost;

import io.bmagent.card.ConsoleOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The bare-metal host played by a QEMU guest: power on starts QEMU on the card's vhost-user sockets, a graceful
 * power off presses the ACPI power button and pulls the plug once the timeout passed, a reset presses the reset
 * button. The image directory holds {@code vmlinuz} and {@code initramfs.cpio.gz} (guest/build-image.sh); the
 * guest's serial console goes to {@code console.log} in the work directory, which the card reads into its console
 * ring ({@link ConsoleLog}).
 *
 * <p>QEMU outlives the agent: a host does not go down with its card's software. Its pid is kept in the work
 * directory, so an agent restarted there adopts the QEMU still running instead of starting a second one; QEMU
 * reconnects to the vhost-user sockets by itself once they are served again ({@code reconnect=1}).
 */
public final class QemuHost {

  static final String QEMU = "qemu-system-x86_64";
  private static final Logger LOG = Logger.getLogger(QemuHost.class.getName());
  private final Path image;
  private final Path work;
  private final Supplier<List<Path>> disks;
  private final Path nic;
  private final Supplier<Optional<String>> mac;
  private final Runnable poweredItselfOff;
  private final ConsoleLog consoleLog;
  private ProcessHandle qemu;

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
    this.consoleLog = new ConsoleLog(console(), ConsoleLog.RING_BYTES);
  }

  /** The file QEMU writes the guest's serial console to. */
  public Path console() {
    return work.resolve("console.log");
  }

  /** The last {@code maxBytes} bytes of the guest's serial console, across power cycles and agent restarts. */
  public ConsoleOutput consoleOutput(int maxBytes) {
    return consoleLog.snapshot(maxBytes);
  }

  private Path qmpSocket() {
    return work.resolve("qmp.sock");
  }

  /** Where the running QEMU's pid is kept for the next agent on this work directory. */
  public Path pidFile() {
    return work.resolve("qemu.pid");
  }

  public synchronized boolean running() {
    return process().isPresent();
  }

  /**
   * The QEMU playing the host: the one this agent started, or one a previous agent on this work directory left
   * running, which is ours when its command line names our QMP socket (the pid may have been reused).
   */
  public synchronized Optional<ProcessHandle> process() {
    if (qemu == null) {
      qemu = adoptable().orElse(null);
      if (qemu != null) {
        LOG.info("adopted the host's QEMU, pid " + qemu.pid() + ", left running by a previous agent");
        watch(qemu);
      }
    }
    if (qemu != null && !alive(qemu)) {
      qemu = null;
    }
    return Optional.ofNullable(qemu);
  }

  private Optional<ProcessHandle> adoptable() {
    try {
      long pid = Long.parseLong(Files.readString(pidFile()).trim());
      byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      String args = new String(cmdline, StandardCharsets.UTF_8);
      return args.contains("unix:" + qmpSocket() + ",") ? ProcessHandle.of(pid).filter(QemuHost::alive)
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * A killed QEMU that was adopted stays a zombie until whoever inherited it reaps it, and a zombie still counts
   * as alive to {@link ProcessHandle#isAlive}: its state in /proc says it is gone.
   */
  private static boolean alive(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  public synchronized void powerOn() {
    if (running()) {
      return;
    }
    try {
      Files.createDirectories(work);
      Files.deleteIfExists(qmpSocket());
      consoleLog.restarted();
      Process p = new ProcessBuilder(command()).redirectErrorStream(true)
          .redirectOutput(work.resolve("qemu.log").toFile()).start();
      qemu = p.toHandle();
      watch(qemu);
      Files.writeString(pidFile(), Long.toString(p.pid()));
      awaitQmp(p);
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
        // Not quiet: the kernel's boot messages are what the console output is read for when a host does not boot.
        "-append", "console=ttyS0 root=/dev/vda panic=-1"));
    int i = 0;
    // reconnect=1: when the agent restarts, QEMU keeps the devices and connects again every second; the guest's
    // requests wait meanwhile and the back-end resubmits those it had in flight (inflight tracking).
    for (Path disk : disks.get()) {
      cmd.addAll(List.of("-chardev", "socket,id=disk" + i + ",path=" + disk + ",reconnect=1",
          "-device", "vhost-user-blk-pci,chardev=disk" + i + ",num-queues=2"));
      i++;
    }
    Optional<String> m = mac.get();
    if (nic != null && m.isPresent()) {
      // QEMU 7.2 under TCG crashes when a vhost-user virtio-net-pci uses MSI-X: vectors=0 keeps it on INTx.
      cmd.addAll(List.of("-chardev", "socket,id=nic0,path=" + nic + ",reconnect=1",
          "-netdev", "vhost-user,id=net0,chardev=nic0",
          "-device", "virtio-net-pci,netdev=net0,vectors=0,mac=" + m.get()));
    }
    return cmd;
  }

  private void awaitQmp(Process p) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(qmpSocket())) {
      if (!p.isAlive()) {
        throw new IOException("QEMU exited with " + p.exitValue() + ": " + Files.readString(work.resolve("qemu.log")));
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
        awaitExit(graceful);
      } catch (IOException e) {
        // QEMU is not answering: the plug is all that is left.
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

  private void watch(ProcessHandle process) {
    process.onExit().thenRun(() -> exited(process));
  }

  /** Whoever stops QEMU on purpose clears {@code qemu} under the lock first, so only an exit of its own is told. */
  private void exited(ProcessHandle process) {
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
      awaitExit(Duration.ofSeconds(10));
      qemu = null;
    }
    try {
      Files.deleteIfExists(pidFile());
    } catch (IOException e) {
      // A stale pid file is harmless: adoption checks the process's command line.
    }
  }

  /**
   * Polls rather than {@link ProcessHandle#onExit}, which never completes for an adopted QEMU left a zombie (so
   * such a QEMU's own exit goes unnoticed until the next power operation finds it gone).
   */
  private void awaitExit(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (alive(qemu) && System.nanoTime() < deadline) {
      sleep(50);
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
