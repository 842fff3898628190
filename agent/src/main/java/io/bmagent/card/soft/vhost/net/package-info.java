/**
 * virtio-net (virtio 1.1, 5.1) as a vhost-user device that is the soft pipeline's
 * {@link io.bmagent.card.soft.net.HostPort}: the guest's frames enter the same pipeline as a TAP host's (DHCP,
 * ARP, ACL, security groups, NAT, VXLAN), and frames for the host fill the guest's receive buffers.
 */
package io.bmagent.card.soft.vhost.net;
