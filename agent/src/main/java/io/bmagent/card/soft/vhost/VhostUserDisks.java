package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.storage.HostBlockDevice;
import io.bmagent.card.soft.vhost.blk.VhostUserBlk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The host's disks as vhost-user-blk sockets, {@code <dir>/<volume id>.sock}, open while the host is powered on:
 * the soft card's counterpart of the PCIe functions a hardware card exposes, for a QEMU guest acting as the host.
 */
public final class VhostUserDisks implements AutoCloseable {

  private final Path dir;
  private final int queues;
  private final Supplier<List<HostBlockDevice>> devices;
  private final List<VhostUserServer> servers = new ArrayList<>();

  /** @param devices the attached devices, asked at each power-on */
  public VhostUserDisks(Path dir, int queues, Supplier<List<HostBlockDevice>> devices) {
    this.dir = dir;
    this.queues = queues;
    this.devices = devices;
  }

  public Path socket(String volumeId) {
    return dir.resolve(volumeId + ".sock");
  }

  /** Opens a socket per attached device when the host powers on; closes them all when it powers off. */
  public synchronized void powered(boolean on) {
    closeAll();
    if (!on) {
      return;
    }
    try {
      Files.createDirectories(dir);
      for (HostBlockDevice d : devices.get()) {
        servers.add(new VhostUserServer(socket(d.volumeId()), new VhostUserBlk(d, queues)));
      }
    } catch (IOException e) {
      closeAll();
      throw new UncheckedIOException("cannot serve the host's disks under " + dir, e);
    }
  }

  private void closeAll() {
    for (VhostUserServer s : servers) {
      try {
        s.close();
      } catch (IOException e) {
        // The socket file may already be gone; the server has stopped either way.
      }
    }
    servers.clear();
  }

  @Override
  public synchronized void close() {
    closeAll();
  }
}
