package io.bmagent.card.soft.vhost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Digests;
import io.bmagent.card.NvmeofPath;
import io.bmagent.card.QosLimits;
import io.bmagent.card.Transport;
import io.bmagent.card.soft.SoftCard;
import io.bmagent.card.soft.SoftCardProvider;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QEMU host's disks on its command line, no QEMU started: the boot disk is /dev/vda whatever its slot. */
class QemuHostDiskOrderTest {

  static final String NQN = "nqn.2026-11.io.bmagent:disk-order";

  @TempDir Path dir;

  @Test
  void bootDiskComesFirstEvenWhenAttachedLast() throws Exception {
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(NQN);
    int port = target.start();
    SoftCard card = (SoftCard) new SoftCardProvider().open(Map.of("underlay", "127.0.0.1", "underlay-port", "0",
        "vhost-user-dir", dir.resolve("vhost").toString(), "host-qemu", dir.resolve("image").toString()));
    try {
      // The reconciler attaches in volume id order: a data volume whose id sorts first takes the first slot.
      card.storage().attach(device("vol-a-data", subsystem, port, false));
      card.storage().attach(device("vol-b-data", subsystem, port, false));
      card.storage().attach(device("vol-z-boot", subsystem, port, true));

      assertEquals(List.of("vol-z-boot.sock", "vol-a-data.sock", "vol-b-data.sock"),
          diskSockets(card.qemuHost().orElseThrow().command()));
    } finally {
      card.close();
      target.close();
    }
  }

  private static BlockDeviceConfig device(String id, Subsystem subsystem, int port, boolean boot) {
    int nsid = subsystem.addMemoryNamespace(1 << 20, 4096).nsid();
    return new BlockDeviceConfig(id, DeviceType.VIRTIO_BLK, new NvmeofPath(Transport.TCP, "127.0.0.1", port, NQN,
        nsid, "nqn.2026-11.io.bmagent:host", "", Digests.NONE), 1 << 20, 4096, 2, QosLimits.UNLIMITED, boot);
  }

  /** The socket file names of the disks' chardevs, in command-line order. */
  private static List<String> diskSockets(List<String> command) {
    List<String> out = new ArrayList<>();
    for (String arg : command) {
      if (arg.startsWith("socket,id=disk")) {
        String path = arg.substring(arg.indexOf("path=") + 5).split(",", 2)[0];
        out.add(Path.of(path).getFileName().toString());
      }
    }
    return out;
  }
}
