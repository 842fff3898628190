package io.bmagent.card.nativelib;

import com.sun.jna.Pointer;
import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_rule}: one ACL, security-group or NAT rule, keyed by (table, rule_id). */
@FieldOrder({"table", "rule_id", "priority", "protocol", "remote_ipv4", "remote_prefix_len",
    "port_min", "port_max", "action", "nat_ipv4"})
public class Rule extends BmdpuStructure {
  public int table;
  public int rule_id;
  public int priority;
  public int protocol;
  public int remote_ipv4;
  public int remote_prefix_len;
  public int port_min;
  public int port_max;
  public int action;
  public int nat_ipv4;

  public Rule() {
    super();
  }

  public Rule(Pointer p) {
    super(p);
  }
}
