package io.bmagent.card;

import io.bmagent.net.Ipv4Address;
import io.bmagent.net.MacAddress;

/** Where traffic for outside a VPC is sent: the gateway's underlay address and overlay MAC, per VNI. */
public record VpcGateway(int vni, Ipv4Address underlay, MacAddress mac) {}
