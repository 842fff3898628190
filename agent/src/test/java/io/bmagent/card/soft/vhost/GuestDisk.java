package io.bmagent.card.soft.vhost;

import io.bmagent.api.v1.DeviceType;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.Subsystem;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.testing.Specs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A guest's boot disk: its root file system cloned onto the lab target, and the virtio-blk volume spec for it; data
 * disks are further namespaces of the same subsystem.
 */
final class GuestDisk implements AutoCloseable {

  static final int BLOCK = 4096;

  private final NvmeTcpTarget target;
  private final Subsystem subsystem;
  final VolumeSpec spec;

  private GuestDisk(NvmeTcpTarget target, Subsystem subsystem, VolumeSpec spec) {
    this.target = target;
    this.subsystem = subsystem;
    this.spec = spec;
  }

  static GuestDisk serve(Path rootfs, String nqn, String volumeId) throws Exception {
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(nqn);
    int nsid = subsystem.cloneImage(rootfs, BLOCK);
    target.start();
    return new GuestDisk(target, subsystem, spec(target, subsystem, volumeId, VolumeRole.VOLUME_ROLE_BOOT, nsid,
        Files.size(rootfs)));
  }

  /**
   * A boot disk served from {@code rootfs} itself, for an image too large to clone into memory: the file is the
   * volume (a private copy already, as guest/debian-image.sh makes one per build).
   */
  static GuestDisk serveInPlace(Path rootfs, String nqn, String volumeId) throws Exception {
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    Subsystem subsystem = target.addSubsystem(nqn);
    int nsid = subsystem.addFileNamespace(rootfs, Files.size(rootfs), BLOCK).nsid();
    target.start();
    return new GuestDisk(target, subsystem, spec(target, subsystem, volumeId, VolumeRole.VOLUME_ROLE_BOOT, nsid,
        Files.size(rootfs)));
  }

  /** A new zeroed namespace of {@code bytes} on the boot disk's subsystem, as a virtio-blk volume. */
  VolumeSpec emptyVolume(String volumeId, VolumeRole role, long bytes) {
    int nsid = subsystem.addMemoryNamespace(bytes, BLOCK).nsid();
    return spec(target, subsystem, volumeId, role, nsid, bytes);
  }

  /** Reads {@code length} bytes at block {@code lba} of a volume straight from the target's namespace. */
  byte[] read(VolumeSpec volume, long lba, int length) throws IOException {
    ByteBuf buf = Unpooled.buffer(length);
    try {
      subsystem.namespace(volume.getTarget().getNamespaceId()).backing().read(lba * BLOCK, buf, length);
      byte[] out = new byte[length];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  private static VolumeSpec spec(NvmeTcpTarget target, Subsystem subsystem, String volumeId, VolumeRole role,
      int nsid, long bytes) {
    return Specs.volume(volumeId, role).toBuilder().setDeviceType(DeviceType.DEVICE_TYPE_VIRTIO_BLK)
        .setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP).setAddress("127.0.0.1")
            .setServiceId(Integer.toString(target.port())).setSubsystemNqn(subsystem.nqn()).setNamespaceId(nsid))
        .setSizeBytes(bytes).setBlockSize(BLOCK).build();
  }

  @Override
  public void close() throws InterruptedException {
    target.close();
  }
}
