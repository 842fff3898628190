/**
 * virtio-blk (virtio 1.1, 5.2) as a vhost-user device on a {@link io.bmagent.card.soft.storage.HostBlockDevice}:
 * every request enters through {@code HostBlockDevice.submit}, so freeze/thaw, QoS and statistics apply as for any
 * other front end, and data moves between guest memory and the NVMe/TCP initiator without a copy here.
 */
package io.bmagent.card.soft.vhost.blk;
