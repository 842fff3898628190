package io.bmagent.domain;

import io.bmagent.api.v1.NvmeofTarget;
import io.bmagent.api.v1.VolumeRole;
import io.bmagent.api.v1.VolumeSpec;
import io.bmagent.card.CardInfo;
import io.bmagent.card.DeviceType;
import io.bmagent.card.Transport;
import java.util.regex.Pattern;

/** Validation of a volume spec, and the product's limits on volumes. */
final class VolumeSpecs {

  /** NVMe Base 2.0, 4.5: "nqn." date "." reversed domain [":" anything], at most 223 bytes. */
  static final int MAX_ID = 20;
  private static final Pattern NQN = Pattern.compile("nqn\\.\\d{4}-\\d{2}\\.[A-Za-z0-9.-]+(:.+)?");
  private static final long MAX_SIZE = 64L << 40;

  private VolumeSpecs() {}

  static void validate(VolumeSpec s, String f, CardInfo card, Violations v) {
    v.id(f + ".volume_id", s.getVolumeId(), MAX_ID);
    if (s.getRole() == VolumeRole.UNRECOGNIZED) {
      v.add(f + ".role", "unknown role");
    }
    DeviceType type = deviceType(s);
    if (type == null) {
      v.add(f + ".device_type", "must be NVME or VIRTIO_BLK");
    } else if (!card.deviceTypes().contains(type)) {
      v.add(f + ".device_type", type + " is not supported by the " + card.driverName() + " card");
    }
    target(s.getTarget(), f + ".target", card, v);
    if (s.getBlockSize() != 512 && s.getBlockSize() != 4096) {
      v.add(f + ".block_size", "must be 512 or 4096, got " + s.getBlockSize());
    }
    if (s.getSizeBytes() == 0 || s.getSizeBytes() > MAX_SIZE) {
      v.add(f + ".size_bytes", "must be 1 byte..64 TiB, got " + Long.toUnsignedString(s.getSizeBytes()));
    } else if ((s.getBlockSize() == 512 || s.getBlockSize() == 4096) && s.getSizeBytes() % s.getBlockSize() != 0) {
      v.add(f + ".size_bytes", "must be a multiple of block_size " + s.getBlockSize());
    }
    if (s.getQos().getIops() > 10_000_000) {
      v.add(f + ".qos.iops", "must be at most 10000000");
    }
  }

  private static void target(NvmeofTarget t, String f, CardInfo card, Violations v) {
    Transport transport = switch (t.getTransport()) {
      case TRANSPORT_TCP -> Transport.TCP;
      case TRANSPORT_RDMA -> Transport.RDMA;
      default -> null;
    };
    if (transport == null) {
      v.add(f + ".transport", "must be TCP or RDMA");
    } else if (!card.transports().contains(transport)) {
      v.add(f + ".transport", transport + " is not supported by the " + card.driverName() + " card");
    }
    v.required(f + ".address", t.getAddress(), 255);
    int port = parsePort(t.getServiceId());
    if (port < 1) {
      v.add(f + ".service_id", "must be a port number 1..65535, got '" + t.getServiceId() + "'");
    }
    nqn(f + ".subsystem_nqn", t.getSubsystemNqn(), true, v);
    nqn(f + ".host_nqn", t.getHostNqn(), false, v);
    if (t.getNamespaceId() == 0 || t.getNamespaceId() == 0xFFFF_FFFF) {
      v.add(f + ".namespace_id", "must be 1..4294967294");
    }
    digest(t.getHeaderDigest(), f + ".header_digest", transport, card, v);
    digest(t.getDataDigest(), f + ".data_digest", transport, card, v);
    if (!t.getDhchapSecret().isEmpty()) {
      if (t.getDhchapSecret().length() > 512) {
        v.add(f + ".dhchap_secret", "at most 512 characters");
      } else if (!t.getDhchapSecret().startsWith("DHHC-1:")) {
        v.add(f + ".dhchap_secret", "must be in the DHHC-1 representation");
      } else if (!card.features().contains("dhchap")) {
        v.add(f + ".dhchap_secret", "DH-HMAC-CHAP is not supported by the " + card.driverName() + " card");
      }
    }
  }

  /** Digests are negotiated in the NVMe/TCP ICReq; other transports have none to ask for. */
  private static void digest(boolean wanted, String field, Transport transport, CardInfo card, Violations v) {
    if (!wanted) {
      return;
    }
    if (transport != Transport.TCP) {
      v.add(field, "is an NVMe/TCP option; the target's transport is " + transport);
    } else if (!card.features().contains("nvme-tcp-digests")) {
      v.add(field, "NVMe/TCP digests are not supported by the " + card.driverName() + " card");
    }
  }

  private static void nqn(String field, String value, boolean required, Violations v) {
    if (value.isEmpty()) {
      if (required) {
        v.add(field, "is required");
      }
    } else if (value.length() > 223 || !NQN.matcher(value).matches()) {
      v.add(field, "is not an NVMe Qualified Name: '" + value + "'");
    }
  }

  static int parsePort(String serviceId) {
    if (serviceId.isEmpty() || serviceId.length() > 5 || !serviceId.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    int port = Integer.parseInt(serviceId);
    return port >= 1 && port <= 65535 ? port : -1;
  }

  static DeviceType deviceType(VolumeSpec s) {
    return switch (s.getDeviceType()) {
      case DEVICE_TYPE_NVME -> DeviceType.NVME;
      case DEVICE_TYPE_VIRTIO_BLK -> DeviceType.VIRTIO_BLK;
      default -> null;
    };
  }

  /** The product's limits on volumes; call after {@link #validate}. */
  static void checkLimits(VolumeSpec s) {
    if (s.getEncrypted()) {
      throw DomainException.limit(Limit.ENCRYPTED_DISK_NOT_SUPPORTED,
          "volume " + s.getVolumeId() + " is encrypted; encrypted cloud disks are not supported");
    }
    if (s.getMultiAttach()) {
      throw DomainException.limit(Limit.MULTI_ATTACH_NOT_SUPPORTED,
          "volume " + s.getVolumeId() + " is multi-attach; multi-attach cloud disks are not supported");
    }
  }
}
