package io.bmagent.card.soft.vhost;

/** Feature bits the server itself deals with: transport bits of virtio and vhost-user's own. */
final class Features {

  /** virtio 1.1, 6: VIRTIO_F_RING_INDIRECT_DESC. */
  static final int RING_INDIRECT_DESC = 28;
  /** virtio 1.1, 6: VIRTIO_F_VERSION_1; a modern device only. */
  static final int VERSION_1 = 32;
  /** vhost-user.rst: VHOST_USER_F_PROTOCOL_FEATURES, which gates GET/SET_PROTOCOL_FEATURES and ring enabling. */
  static final int PROTOCOL_FEATURES = 30;
  /** Protocol features, "Protocol features" in vhost-user.rst. */
  static final int PROTOCOL_MQ = 0;
  static final int PROTOCOL_REPLY_ACK = 3;
  static final int PROTOCOL_CONFIG = 9;
  /** GET/SET_INFLIGHT_FD: the front-end keeps the record of requests in flight across back-end restarts. */
  static final int PROTOCOL_INFLIGHT_SHMFD = 12;
  static final long PROTOCOL_OFFERED = bit(PROTOCOL_MQ) | bit(PROTOCOL_REPLY_ACK) | bit(PROTOCOL_CONFIG);

  private Features() {}

  static long bit(int n) {
    return 1L << n;
  }

  static boolean has(long features, int n) {
    return (features & bit(n)) != 0;
  }
}
