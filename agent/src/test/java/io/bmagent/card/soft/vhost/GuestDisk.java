package io.bmagent.card.soft.vhost;

import io.bmagent.api.v1.DeviceType;
import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.Transport;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.lab.target.NvmeTcpTarget;
import io.bmagent.lab.target.TargetOptions;
import io.bmagent.testing.Specs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A guest's boot disk: its root file system cloned onto the lab target, and the virtio-blk volume spec for it. */
final class GuestDisk implements AutoCloseable {

  static final int BLOCK = 4096;

  private final NvmeTcpTarget target;
  final VolumeSpec spec;

  private GuestDisk(NvmeTcpTarget target, VolumeSpec spec) {
    this.target = target;
    this.spec = spec;
  }

  /** {@code length} bytes of the volume at {@code offset}, read on the target: what the guest's writes left. */
  byte[] read(long offset, int length) throws IOException {
    ByteBuf buf = Unpooled.buffer(length);
    try {
      target.subsystem(spec.getTarget().getSubsystemNqn()).namespace(spec.getTarget().getNamespaceId()).backing()
          .read(offset, buf, length);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  static GuestDisk serve(Path rootfs, String nqn, String volumeId) throws Exception {
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(0));
    int nsid = target.addSubsystem(nqn).cloneImage(rootfs, BLOCK);
    int port = target.start();
    VolumeSpec spec = Specs.volume(volumeId, VolumeRole.VOLUME_ROLE_BOOT).toBuilder()
        .setDeviceType(DeviceType.DEVICE_TYPE_VIRTIO_BLK)
        .setTarget(NvmeofTarget.newBuilder().setTransport(Transport.TRANSPORT_TCP).setAddress("127.0.0.1")
            .setServiceId(Integer.toString(port)).setSubsystemNqn(nqn).setNamespaceId(nsid))
        .setSizeBytes(Files.size(rootfs)).setBlockSize(BLOCK).build();
    return new GuestDisk(target, spec);
  }

  @Override
  public void close() throws InterruptedException {
    target.close();
  }
}
