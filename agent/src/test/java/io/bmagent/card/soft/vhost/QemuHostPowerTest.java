package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.Durations;
import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.DesiredPower;
import io.bmagent.api.v1.GetConsoleOutputRequest;
import io.bmagent.api.v1.GetConsoleOutputResponse;
import io.bmagent.api.v1.GetInstanceRequest;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.RebootInstanceRequest;
import io.bmagent.api.v1.StartInstanceRequest;
import io.bmagent.api.v1.StopInstanceRequest;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instance's power operations driving a QEMU guest as the host: start boots it from its cloud disk, reboot
 * presses the reset button (the guest boots again), a graceful stop presses the ACPI power button and the guest
 * shuts itself down; and when the guest's OS powers off by itself, the instance is stopped, not started again.
 */
class QemuHostPowerTest {

  static final String NQN = "nqn.2026-11.io.bmagent:power";
  static final String VOLUME = "vol-power";
  /** Counts boots on the cloud disk itself; the third powers off on its own, as a user's poweroff would. */
  static final String BOOT_COUNTER = """
      n=$(( $(cat /etc/boots 2>/dev/null || echo 0) + 1 ))
      echo $n > /etc/boots
      sync
      echo "BMGUEST boot $n"
      if [ $n -ge 3 ]; then
        (sleep 1; echo "BMGUEST poweroff by itself"; sync; poweroff -f) &
      fi
      """;

  @TempDir Path dir;

  @Test
  void startRebootAndGracefulStopDriveTheGuest() throws Exception {
    Guest.assumeAvailable();
    Path image = dir.resolve("image");
    Guest.build(image, BOOT_COUNTER);
    GuestDisk bootDisk = GuestDisk.serve(image.resolve("rootfs.img"), NQN, VOLUME);
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0",
        "vhost-user-dir", dir.resolve("vhost").toString(), "host-vhost-user", dir.resolve("nic.sock").toString(),
        "host-qemu", image.toString()));
    try (AgentFixture f = new AgentFixture(dir.resolve("state"), card)) {
      VolumeSpec boot = bootDisk.spec;
      long start = System.nanoTime();
      f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-power")
          .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(boot)))
          .setStartAfterProvisioning(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING, 120);
      QemuHost qemu = card.qemuHost().orElseThrow();
      awaitConsole(qemu, "BMGUEST-DONE", 1, 180);
      long booted = System.nanoTime();
      String first = Files.readString(qemu.console());
      assertTrue(first.contains("BMGUEST root=/dev/vda serial=" + VOLUME), first);
      assertTrue(first.contains("BMGUEST eth0=10.0.1.10/24"), first);
      String booted1 = console(f);
      assertTrue(booted1.contains("] Linux version "), "the kernel's boot messages through GetConsoleOutput:\n"
          + booted1);
      assertTrue(booted1.contains("BMGUEST-DONE"), booted1);

      f.instances.rebootInstance(RebootInstanceRequest.newBuilder().setRequestId("reboot-1").build());
      awaitConsole(qemu, "BMGUEST-DONE", 2, 180);
      long rebooted = System.nanoTime();
      assertTrue(qemu.running(), "a reset keeps the same QEMU");

      // Emulated guests on a loaded machine take their time over the ACPI button: the bounds are generous.
      f.instances.stopInstance(StopInstanceRequest.newBuilder().setGracefulTimeout(Durations.fromSeconds(90)).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED, 150);
      long stopped = System.nanoTime();
      assertFalse(qemu.running());
      assertTrue(Files.readString(qemu.console()).contains("BMGUEST power button"), "the guest shut down itself");
      assertEquals(0, Files.list(dir.resolve("vhost")).filter(p -> p.toString().endsWith(".sock")).count(),
          "no disk sockets while the host is off");
      System.out.printf("QEMU host: provision to booted %d ms, reboot %d ms, ACPI stop %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(booted - start), TimeUnit.NANOSECONDS.toMillis(rebooted - booted),
          TimeUnit.NANOSECONDS.toMillis(stopped - rebooted));

      f.instances.startInstance(StartInstanceRequest.getDefaultInstance());
      // QEMU truncates the console when it starts: the third boot's own line tells this boot from the last.
      awaitConsole(qemu, "BMGUEST boot 3", 1, 180);
      String across = console(f);
      assertTrue(across.contains("BMGUEST power button") && across.contains("BMGUEST boot 3"),
          "the card's console runs on across the QEMU restart that truncated the file:\n" + across);
      Instance off = f.awaitPhase(InstancePhase.INSTANCE_PHASE_STOPPED, 120);
      assertEquals(DesiredPower.DESIRED_POWER_OFF, off.getDesiredPower());
      assertTrue(off.getStatus().getCommon().getConditionsList().stream()
          .anyMatch(c -> c.getReason().equals("STOPPED_BY_HOST")), off::toString);
      Thread.sleep(2000);
      assertFalse(qemu.running(), "a guest that powered off is not started again");
      assertEquals(InstancePhase.INSTANCE_PHASE_STOPPED,
          f.instances.getInstance(GetInstanceRequest.getDefaultInstance()).getStatus().getPhase());
    } finally {
      // The guest outlives its card's software; the test's end is its end.
      card.qemuHost().orElseThrow().powerOff(true, Duration.ZERO);
      bootDisk.close();
    }
  }

  private static String console(AgentFixture f) {
    GetConsoleOutputResponse r = f.instances.getConsoleOutput(GetConsoleOutputRequest.newBuilder()
        .setInstanceId("i-power").setMaxBytes(1 << 20).build());
    assertTrue(r.hasTimestamp() && r.getTotalBytes() >= r.getOutput().size(), r::toString);
    return r.getOutput().toStringUtf8();
  }

  /** Waits until the console shows {@code line} {@code times} times. */
  private static void awaitConsole(QemuHost qemu, String line, int times, int seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String log = Files.exists(qemu.console()) ? Files.readString(qemu.console()) : "";
      if (log.split(line, -1).length - 1 >= times) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(times + " x " + line + " not seen in " + seconds + " s; console:\n" + log);
      }
      Thread.sleep(200);
    }
  }
}
