/**
 * The host-facing block devices of the soft card. A {@link io.bmagent.card.soft.storage.HostBlockDevice}
 * is what the host sees as an NVMe namespace or a virtio-blk disk; every front end (the simulated
 * host, later a vhost-user-blk backend) hands it {@link io.bmagent.card.soft.storage.BlockRequest}s
 * through {@code submit}. The device adds freeze/thaw for consistent snapshots, QoS token buckets
 * and statistics, and forwards to a {@link io.bmagent.card.soft.storage.BlockBackend}, normally a
 * namespace behind the NVMe/TCP initiator.
 */
package io.bmagent.card.soft.storage;
