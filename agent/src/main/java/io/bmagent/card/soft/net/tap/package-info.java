/**
 * The host port as a Linux TAP device with the virtio-net header (checksum and TCP segmentation offload, receive
 * coalescing), reached through JNA, as the underlay's sockets are. A host "machine" in tests is a network namespace
 * holding the TAP.
 */
package io.bmagent.card.soft.net.tap;
