package io.bmagent.card.soft;

import io.bmagent.card.BlockDeviceConfig;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Digests;
import io.bmagent.card.NvmeofPath;
import io.bmagent.card.QosLimits;
import io.bmagent.card.Transport;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The block devices a soft card serves to a QEMU host, one file each beside the vhost-user sockets. A hardware card's
 * devices outlive the agent; the soft card's live in the agent's process, so an agent restarted while its QEMU host
 * runs rebuilds them from here rather than leave the running host without disks. The files hold the DH-HMAC-CHAP
 * secret, so they are the owner's only, and each is replaced whole (written aside, synced, renamed).
 */
final class DeviceJournal {

  private static final Logger log = Logger.getLogger(DeviceJournal.class.getName());

  private final Path dir;

  DeviceJournal(Path dir) {
    this.dir = dir;
  }

  void put(BlockDeviceConfig c, int slot) {
    Properties p = new Properties();
    p.setProperty("slot", Integer.toString(slot));
    p.setProperty("volume-id", c.volumeId());
    p.setProperty("device-type", c.deviceType().name());
    p.setProperty("transport", c.path().transport().name());
    p.setProperty("address", c.path().address());
    p.setProperty("port", Integer.toString(c.path().port()));
    p.setProperty("subsystem-nqn", c.path().subsystemNqn());
    p.setProperty("namespace-id", Integer.toString(c.path().namespaceId()));
    p.setProperty("host-nqn", c.path().hostNqn());
    p.setProperty("dhchap-secret", c.path().dhchapSecret());
    p.setProperty("header-digest", Boolean.toString(c.path().digests().header()));
    p.setProperty("data-digest", Boolean.toString(c.path().digests().data()));
    p.setProperty("size-bytes", Long.toString(c.sizeBytes()));
    p.setProperty("block-size", Integer.toString(c.blockSize()));
    p.setProperty("queues", Integer.toString(c.queues()));
    p.setProperty("qos-iops", Long.toString(c.qos().iops()));
    p.setProperty("qos-bytes-per-second", Long.toString(c.qos().bytesPerSecond()));
    p.setProperty("boot", Boolean.toString(c.boot()));
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(c.volumeId() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (Writer w = Files.newBufferedWriter(tmp)) {
        p.store(w, "a block device of the soft card, kept for a restarted agent");
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, file(c.volumeId()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep device " + c.volumeId() + " under " + dir, e);
    }
  }

  void remove(String volumeId) {
    try {
      Files.deleteIfExists(file(volumeId));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot forget device " + volumeId + " under " + dir, e);
    }
  }

  /** The devices kept, in slot order; a file that cannot be read is skipped with a warning, not trusted. */
  List<BlockDeviceConfig> all() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Properties> read = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".device")).toList()) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
          p.load(r);
          config(p);
          read.add(p);
        } catch (IOException | RuntimeException e) {
          log.warning(() -> "ignoring " + f + ", which cannot be read as a device: " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the devices kept under " + dir, e);
    }
    read.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getProperty("slot"))));
    return read.stream().map(DeviceJournal::config).toList();
  }

  void clear() {
    all().forEach(c -> remove(c.volumeId()));
  }

  private Path file(String volumeId) {
    return dir.resolve(volumeId + ".device");
  }

  private static BlockDeviceConfig config(Properties p) {
    NvmeofPath path = new NvmeofPath(Transport.valueOf(p.getProperty("transport")), p.getProperty("address"),
        Integer.parseInt(p.getProperty("port")), p.getProperty("subsystem-nqn"),
        Integer.parseInt(p.getProperty("namespace-id")), p.getProperty("host-nqn"), p.getProperty("dhchap-secret"),
        // Journals written before digests existed have neither key: no digests, as then.
        new Digests(Boolean.parseBoolean(p.getProperty("header-digest")),
            Boolean.parseBoolean(p.getProperty("data-digest"))));
    return new BlockDeviceConfig(p.getProperty("volume-id"), DeviceType.valueOf(p.getProperty("device-type")), path,
        Long.parseLong(p.getProperty("size-bytes")), Integer.parseInt(p.getProperty("block-size")),
        Integer.parseInt(p.getProperty("queues")), new QosLimits(Long.parseLong(p.getProperty("qos-iops")),
            Long.parseLong(p.getProperty("qos-bytes-per-second"))), Boolean.parseBoolean(p.getProperty("boot")));
  }
}
