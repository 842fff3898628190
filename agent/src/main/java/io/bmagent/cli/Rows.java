package io.bmagent.cli;

import io.bmagent.api.v1.Condition;
import io.bmagent.api.v1.Event;
import io.bmagent.api.v1.Instance;
import io.bmagent.api.v1.NetworkInterface;
import io.bmagent.api.v1.ResourceStatus;
import io.bmagent.api.v1.SecurityGroup;
import io.bmagent.api.v1.Volume;
import io.bmagent.api.v1.VpcGateway;
import io.bmagent.api.v1.VpcMapping;
import java.time.Instant;
import java.util.List;

/** How each resource reads in a table: the columns an operator checks first. */
final class Rows {

  private Rows() {}

  /** INSTANCE_PHASE_RUNNING reads as RUNNING. */
  static String shortName(Enum<?> value, String prefix) {
    String name = value.name();
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  /** The Ready condition as True or False with its reason, e.g. False (HostStarting). */
  static String ready(ResourceStatus status) {
    for (Condition c : status.getConditionsList()) {
      if (c.getType().equals("Ready")) {
        String s = c.getStatus() ? "True" : "False";
        return c.getReason().isEmpty() ? s : s + " (" + c.getReason() + ")";
      }
    }
    return "-";
  }

  static void instance(Table t, Instance i) {
    t.header("INSTANCE", "PHASE", "POWER", "DESIRED", "GENERATION", "OBSERVED", "REBOOTS", "READY");
    t.row(i.getInstanceId(), shortName(i.getStatus().getPhase(), "INSTANCE_PHASE_"),
        shortName(i.getStatus().getPowerState(), "POWER_STATE_"), shortName(i.getDesiredPower(), "DESIRED_POWER_"),
        Long.toUnsignedString(i.getGeneration()),
        Long.toUnsignedString(i.getStatus().getCommon().getObservedGeneration()), i.getStatus().getRebootCount(),
        ready(i.getStatus().getCommon()));
  }

  static void volumes(Table t, List<Volume> volumes) {
    t.header("VOLUME", "ROLE", "DEVICE", "SIZE", "PHASE", "SLOT", "SERIAL", "GENERATION", "READY");
    for (Volume v : volumes) {
      t.row(v.getSpec().getVolumeId(), shortName(v.getSpec().getRole(), "VOLUME_ROLE_"),
          shortName(v.getSpec().getDeviceType(), "DEVICE_TYPE_"), gib(v.getSpec().getSizeBytes()),
          shortName(v.getStatus().getPhase(), "VOLUME_PHASE_"), v.getStatus().getSlot(), v.getStatus().getSerial(),
          Long.toUnsignedString(v.getGeneration()), ready(v.getStatus().getCommon()));
    }
  }

  static void nic(Table t, NetworkInterface n) {
    t.header("NIC", "MAC", "VPC", "VNI", "IPV4", "SECURITY-GROUPS", "ACL", "PHASE", "GENERATION", "READY");
    t.row(n.getSpec().getNicId(), n.getSpec().getMac(), n.getSpec().getVpcId(), n.getSpec().getVni(),
        n.getSpec().getPrivateIpv4(), String.join(",", n.getSpec().getSecurityGroupIdsList()), n.getSpec().getAclId(),
        shortName(n.getStatus().getPhase(), "NETWORK_INTERFACE_PHASE_"), Long.toUnsignedString(n.getGeneration()),
        ready(n.getStatus().getCommon()));
  }

  static void securityGroups(Table t, List<SecurityGroup> groups) {
    t.header("SECURITY-GROUP", "RULES", "GENERATION", "DESCRIPTION");
    for (SecurityGroup g : groups) {
      t.row(g.getSecurityGroupId(), g.getRulesCount(), Long.toUnsignedString(g.getGeneration()), g.getDescription());
    }
  }

  static void mappings(Table t, List<VpcMapping> mappings) {
    t.header("VNI", "IP", "MAC", "UNDERLAY");
    for (VpcMapping m : mappings) {
      t.row(m.getVni(), m.getIp(), m.getMac(), m.getUnderlayIp());
    }
  }

  static void gateways(Table t, List<VpcGateway> gateways) {
    for (VpcGateway g : gateways) {
      t.note("gateway vni " + g.getVni() + " underlay " + g.getUnderlayIp() + " mac " + g.getMac());
    }
  }

  /** One event on one line, oldest first, so a watch reads like a log. */
  static String event(Event e) {
    Instant time = Instant.ofEpochSecond(e.getTime().getSeconds(), e.getTime().getNanos());
    StringBuilder b = new StringBuilder().append(time).append(' ').append(shortName(e.getType(), "EVENT_TYPE_"));
    if (!e.getResourceType().isEmpty()) {
      b.append(' ').append(e.getResourceType()).append('/').append(e.getResourceId());
    }
    for (String part : new String[] {e.getPhase(), e.getReason(), e.getMessage()}) {
      if (!part.isEmpty()) {
        b.append(' ').append(part);
      }
    }
    return b.append(" [").append(e.getResumeToken()).append(']').toString();
  }

  private static String gib(long bytes) {
    return bytes % (1L << 30) == 0 ? (bytes >> 30) + "GiB" : bytes + "B";
  }
}
