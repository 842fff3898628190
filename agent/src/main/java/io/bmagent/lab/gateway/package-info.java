/**
 * The lab's stand-in for the VPC gateway, which in a cloud is a system of its own: the overlay's way to the
 * internet for elastic IPs. {@link io.bmagent.lab.gateway.VpcGatewayNode} terminates VXLAN from the cards on its own
 * underlay address and routes the inner packets to an "internet" network namespace, and back.
 */
package io.bmagent.lab.gateway;
