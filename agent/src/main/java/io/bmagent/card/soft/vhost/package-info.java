/**
 * A vhost-user back-end (QEMU {@code docs/interop/vhost-user.rst}): the soft card serves virtio devices to a guest
 * that stands in for the bare-metal host, the way the hardware card serves PCIe virtio functions. QEMU is the
 * front-end: it connects to {@link io.bmagent.card.soft.vhost.VhostUserServer}'s socket, shares the guest's memory
 * by file descriptor and hands over split virtqueues (virtio 1.1, 2.6), which
 * {@link io.bmagent.card.soft.vhost.Virtqueue} reads straight from the mapped memory. A
 * {@link io.bmagent.card.soft.vhost.VhostUserDevice} gives the device type: {@code vhost.blk} is virtio-blk on a
 * {@link io.bmagent.card.soft.storage.HostBlockDevice}.
 */
package io.bmagent.card.soft.vhost;
