package io.bmagent.card.soft.vhost;

import io.bmagent.api.v1.BootDisk;
import io.bmagent.api.v1.InstancePhase;
import io.bmagent.api.v1.ProvisionInstanceRequest;
import io.bmagent.bench.Results;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.testing.AgentFixture;
import io.bmagent.testing.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.TestAbortedException;

/**
 * A Linux guest under QEMU booting from its cloud disk through the whole storage path: vhost-user-blk, the soft
 * card, NVMe/TCP, the lab target. Each run provisions the instance on a fresh agent and card, boots the guest
 * ({@link Guest}, built by {@code guest/build-image.sh}) and reads what it reports: the kernel's uptime when init
 * starts, a 32 MiB sequential read, then 4 KiB writes and reads with {@code O_DIRECT} at queue depth 1 by {@code dd}
 * on the 4 MiB past the file system. QEMU runs under TCG here, so every figure is bound by the emulation, not by the
 * card. Needs root, QEMU, busybox-static and a Debian cloud kernel; otherwise every figure is reported as skipped.
 */
public final class GuestHarness {

  private static final int RUNS = Integer.getInteger("bench.guest.runs", 3);
  /** 4 KiB blocks per dd: the free 4 MiB at block 15360 of the 64 MiB root image (guest/build-image.sh). */
  private static final int BLOCKS = 1024;
  private static final String NQN = "nqn.2026-11.io.bmagent:bench-guest";
  private static final String VOLUME = "vol-bench-guest";
  private static final Pattern INIT = Pattern.compile("BMGUEST init uptime=([0-9.]+)");
  private static final Pattern DONE = Pattern.compile("BMGUEST-DONE uptime=([0-9.]+)");
  private static final Pattern SEQUENTIAL = Pattern.compile("BMGUEST read 32 MiB in ([0-9.]+) s");
  private static final Pattern DD = Pattern.compile("BMGUEST bench (write|read) (\\d+) in ([0-9.]+) s");

  private static final String SCRIPT = """
      for op in write read; do
        t0=$(cut -d' ' -f1 /proc/uptime)
        if [ $op = write ]; then
          dd if=/dev/urandom of=/dev/vda bs=4096 seek=15360 count=%1$d oflag=direct 2>/dev/null
        else
          dd if=/dev/vda of=/dev/null bs=4096 skip=15360 count=%1$d iflag=direct 2>/dev/null
        fi
        echo "BMGUEST bench $op %1$d in $(awk -v t0="$t0" '{print $1 - t0}' /proc/uptime) s"
      done
      """.formatted(BLOCKS);

  private record Boot(List<String> console, double seconds) {}

  private GuestHarness() {}

  public static void main(String[] args) throws Exception {
    Results results = new Results("guest");
    try {
      Guest.assumeAvailable();
    } catch (TestAbortedException e) {
      for (String name : List.of("QEMU start to init", "kernel start to init", "32 MiB sequential read",
          "4 KiB direct write, QD1", "4 KiB direct read, QD1")) {
        results.skip(name, "", "", e.getMessage());
      }
      results.write();
      System.out.println("guest benchmark " + e.getMessage());
      return;
    }
    Path dir = Files.createTempDirectory("bm-agent-guest");
    Path image = dir.resolve("image");
    Guest.build(image, SCRIPT);
    List<Double> boot = new ArrayList<>();
    List<Double> init = new ArrayList<>();
    List<Double> sequential = new ArrayList<>();
    List<Double> writes = new ArrayList<>();
    List<Double> reads = new ArrayList<>();
    for (int r = 0; r < RUNS; r++) {
      Boot b = bootOnce(image, dir.resolve("run-" + r));
      List<String> console = b.console();
      String text = String.join("\n", console);
      double initUptime = Double.parseDouble(find(INIT, text, console).group(1));
      // The host sees only the report at the end; what the guest did after init starts is on the guest's clock.
      boot.add(b.seconds() - (Double.parseDouble(find(DONE, text, console).group(1)) - initUptime));
      init.add(initUptime);
      sequential.add(32 / Double.parseDouble(find(SEQUENTIAL, text, console).group(1)));
      Matcher dd = DD.matcher(text);
      while (dd.find()) {
        double iops = Integer.parseInt(dd.group(2)) / Double.parseDouble(dd.group(3));
        (dd.group(1).equals("write") ? writes : reads).add(iops);
      }
      if (writes.size() != r + 1 || reads.size() != r + 1) {
        throw new IllegalStateException("the guest reported no dd figures:\n" + text);
      }
      System.out.printf("guest run %d: init %.1f s after QEMU start, %.2f s after the kernel's, 32 MiB read at"
          + " %.1f MiB/s, 4 KiB direct write %.0f IOPS, read %.0f IOPS%n", r + 1, boot.get(r), init.get(r),
          sequential.get(r), writes.get(r), reads.get(r));
    }
    String tcg = "QEMU under TCG, 2 vCPUs, 256 MiB";
    results.add("QEMU start to init", "s", "", boot, tcg + "; firmware, kernel, initramfs, root mounted")
        .add("kernel start to init", "s", "", init, "guest uptime when /sbin/init starts")
        .add("32 MiB sequential read", "MiB/s", "", sequential, "dd, 1 MiB blocks, first read of each block")
        .add("4 KiB direct write, QD1", "IOPS", "", writes, "dd oflag=direct, " + BLOCKS + " blocks, guest clock")
        .add("4 KiB direct read, QD1", "IOPS", "", reads, "dd iflag=direct, " + BLOCKS + " blocks, guest clock")
        .write();
  }

  /**
   * A fresh card, agent and boot disk; the instance provisioned to RUNNING, then one guest boot on its disk, timed
   * from QEMU's start to the guest's last report.
   */
  private static Boot bootOnce(Path image, Path run) throws Exception {
    GuestDisk disk = GuestDisk.serve(image.resolve("rootfs.img"), NQN, VOLUME);
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0",
        "vhost-user-dir", run.resolve("vhost").toString()));
    try (AgentFixture f = new AgentFixture(run.resolve("state"), card)) {
      f.instances.provisionInstance(ProvisionInstanceRequest.newBuilder().setInstanceId("i-bench")
          .setSpec(Specs.instance().toBuilder().setBootDisk(BootDisk.newBuilder().setCloudVolume(disk.spec)))
          .setStartAfterProvisioning(true).build());
      f.awaitPhase(InstancePhase.INSTANCE_PHASE_RUNNING, 60);
      long start = System.nanoTime();
      List<String> console = Guest.boot(image, card.vhostUserSocket(VOLUME).orElseThrow(), 2, null,
          "BMGUEST-DONE", (int) TimeUnit.MINUTES.toSeconds(5));
      return new Boot(console, (System.nanoTime() - start) / 1e9);
    } finally {
      disk.close();
    }
  }

  private static Matcher find(Pattern p, String text, List<String> console) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("the guest did not report " + p.pattern() + ":\n" + String.join("\n", console));
    }
    return m;
  }
}
