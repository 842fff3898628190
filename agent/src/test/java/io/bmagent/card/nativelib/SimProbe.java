package io.bmagent.card.nativelib;

import com.sun.jna.ptr.IntByReference;
import java.util.List;

/** Reads the simulator's tables through the raw ABI, so tests see what the card holds, not what the SPI says. */
final class SimProbe {

  private final BmdpuCard card;
  private final BmdpuLibrary lib;

  SimProbe(BmdpuCard card) {
    this.card = card;
    this.lib = card.library();
  }

  List<String> deviceSerials() {
    return NativeListing.all(BlockdevInfo.class, "blockdev_list",
        (out, n) -> lib.bmdpu_blockdev_list(card.handle(), out, n), d -> d.spec.serial());
  }

  List<String> connections() {
    return NativeListing.all(NvmfStatus.class, "nvmf_list",
        (out, n) -> lib.bmdpu_nvmf_list(card.handle(), out, n), NvmfStatus::connId);
  }

  int power() {
    IntByReference state = new IntByReference();
    BmdpuErrors.check(lib.bmdpu_host_get_power(card.handle(), state), "host_get_power");
    return state.getValue();
  }

  PortConfig port() {
    PortConfig out = new PortConfig();
    BmdpuErrors.check(lib.bmdpu_port_get(card.handle(), 0, out), "port_get");
    return out;
  }

  List<Rule> rules(int table) {
    return NativeListing.all(Rule.class, "rules_list",
        (out, n) -> lib.bmdpu_rules_list(card.handle(), table, out, n), r -> r);
  }

  int mappings() {
    IntByReference count = new IntByReference();
    BmdpuErrors.check(lib.bmdpu_vpc_mappings_count(card.handle(), count), "vpc_mappings_count");
    return count.getValue();
  }
}
