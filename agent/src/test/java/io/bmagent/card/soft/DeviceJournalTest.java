package io.bmagent.card.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Digests;
import io.bmagent.card.NvmeofPath;
import io.bmagent.card.QosLimits;
import io.bmagent.card.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceJournalTest {

  @TempDir Path dir;

  static BlockDeviceConfig device(String id, boolean boot, String secret) {
    return new BlockDeviceConfig(id, DeviceType.VIRTIO_BLK, new NvmeofPath(Transport.TCP, "192.0.2.7", 4420,
        "nqn.2026-11.io.example:" + id, 3, "nqn.2026-11.io.bmagent:host", secret, new Digests(boot, true)),
        10L << 30, 4096, 4,
        new QosLimits(5000, 100L << 20), boot);
  }

  @Test
  void keepsEveryFieldInSlotOrderAndForgetsOnRemove() {
    DeviceJournal journal = new DeviceJournal(dir);
    BlockDeviceConfig data = device("vol-a-data", false, "");
    BlockDeviceConfig boot = device("vol-z-boot", true, "DHHC-1:00:c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ==:");
    journal.put(boot, 0);
    journal.put(data, 1);
    assertEquals(List.of(boot, data), new DeviceJournal(dir).all());
    journal.remove("vol-z-boot");
    assertEquals(List.of(data), journal.all());
    journal.clear();
    assertEquals(List.of(), journal.all());
  }

  @Test
  void filesAreTheOwnersOnlyAndAnUnreadableOneIsSkipped() throws Exception {
    DeviceJournal journal = new DeviceJournal(dir);
    journal.put(device("vol-1", true, "DHHC-1:00:c2VjcmV0:"), 0);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("vol-1.device"))));
    Files.writeString(dir.resolve("vol-2.device"), "slot=1\nvolume-id=vol-2\nport=not a number\n");
    assertEquals(List.of(device("vol-1", true, "DHHC-1:00:c2VjcmV0:")), journal.all());
  }
}
