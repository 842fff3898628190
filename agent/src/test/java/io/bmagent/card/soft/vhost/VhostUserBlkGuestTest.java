package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bare-metal delivery with a real operating system: a boot volume cloned from a root file system image on the
 * lab's NVMe/TCP target, attached by the agent, served to a Linux guest through vhost-user-blk while the
 * instance runs (the card's {@code vhost-user-dir}); the guest boots
 * from it with {@code root=/dev/vda}, sees the volume id as the disk serial and writes to the disk. Its NIC is
 * the soft pipeline's host port over vhost-user-net: the card's DHCP gives it its private address and the card's
 * ARP responder the gateway's MAC.
 */
class VhostUserBlkGuestTest {

  static final String NQN = "nqn.2026-11.io.bmagent:guest";
  static final String VOLUME = "vol-0123456789abcdef";
  static final int BLOCK = 4096;
  /** Where the guest's /sbin/init writes its marker, past the file system (guest/build-image.sh). */
  static final long MARKER_BLOCK = 15360;

  @TempDir Path dir;

  @Test
  void guestBootsFromItsCloudDiskAndGetsItsAddressFromThePort() throws Exception {
    Guest.assumeAvailable();
    Path image = dir.resolve("image");
    Guest.build(image);
    GuestDisk bootDisk = GuestDisk.serve(image.resolve("rootfs.img"), NQN, VOLUME);
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0",
        "vhost-user-dir", dir.resolve("vhost").toString(), "host-vhost-user", dir.resolve("nic.sock").toString()));
    try (AgentFixture f = new AgentFixture(dir.resolve("state"), card)) {
      VolumeSpec boot = bootDisk.spec;
      f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-guest")
          .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(boot)))
          .setStartAfterProvisioning(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING);
      HostBlockDevice disk = card.hostDevice(VOLUME).orElseThrow();

      long start = System.nanoTime();
      List<String> console = Guest.boot(image, card.vhostUserSocket(VOLUME).orElseThrow(), 2,
          new Guest.Nic(dir.resolve("nic.sock"), "02:00:00:00:00:01"), "BMGUEST-DONE", 90);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      // The console starts with terminal escapes (SeaBIOS, the kernel): a report line is what follows its tag.
      List<String> report = console.stream().filter(l -> l.contains("BMGUEST"))
          .map(l -> l.substring(l.indexOf("BMGUEST"))).toList();
      System.out.println("guest booted from " + VOLUME + " in " + millis + " ms: " + report + "; device stats: "
          + disk.stats().reads() + " reads, " + disk.stats().writes() + " writes, " + disk.stats().bytesRead()
          + " bytes read");
      assertTrue(report.contains("BMGUEST root=/dev/vda serial=" + VOLUME), () -> String.join("\n", console));
      assertTrue(report.contains("BMGUEST queues=2 logical=4096"), () -> String.join("\n", console));
      assertTrue(report.contains("BMGUEST motd=bm-agent guest root file system"), () -> String.join("\n", console));
      assertTrue(report.stream().anyMatch(l -> l.startsWith("BMGUEST-DONE")), () -> String.join("\n", console));
      assertTrue(report.contains("BMGUEST eth0=10.0.1.10/24 router=10.0.1.1"), () -> String.join("\n", console));
      assertTrue(report.stream().anyMatch(l -> l.startsWith("BMGUEST arping=from 10.0.1.1 [")),
          () -> String.join("\n", console));
      String marker = "written by the guest through vhost-user-blk\n";
      assertEquals(marker, read(disk, MARKER_BLOCK).substring(0, marker.length()), "the guest's write reached the volume");

      // QEMU went away (killed): the sessions end and unmap its memory and the inflight record, and the same
      // sockets serve the next QEMU.
      awaitNoFrontEndMemory();
      List<String> again = Guest.boot(image, card.vhostUserSocket(VOLUME).orElseThrow(), 2,
          new Guest.Nic(dir.resolve("nic.sock"), "02:00:00:00:00:01"), "BMGUEST-DONE", 90);
      assertTrue(again.stream().anyMatch(l -> l.contains("BMGUEST-DONE")), () -> String.join("\n", again));
      awaitNoFrontEndMemory();
    } finally {
      bootDisk.close();
    }
  }

  /** Front-end memory shows in this process's maps as memfd mappings (guest RAM, the inflight record). */
  private static void awaitNoFrontEndMemory() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> left;
    while (!(left = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/memfd:"))
        .toList()).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("front-end memory still mapped after it disconnected: " + left);
      }
      Thread.sleep(50);
    }
  }

  private static String read(HostBlockDevice disk, long lba) throws Exception {
    ByteBuf buf = Unpooled.buffer(BLOCK);
    try {
      disk.read(lba, 1, buf).get(10, TimeUnit.SECONDS);
      return buf.toString(StandardCharsets.US_ASCII);
    } finally {
      buf.release();
    }
  }
}
