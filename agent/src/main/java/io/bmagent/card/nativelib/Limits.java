package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_limits}: the card's fixed capacities, filled by {@code bmdpu_card_get_limits}. */
@FieldOrder({"max_block_devices", "max_ports", "max_rules_per_table", "max_vpc_mappings",
        "max_vpc_gateways", "max_nvmf_connections", "max_queues_per_device", "max_freeze_ms"})
public class Limits extends BmdpuStructure {
    public int max_block_devices;
    public int max_ports;
    public int max_rules_per_table;
    public int max_vpc_mappings;
    public int max_vpc_gateways;
    public int max_nvmf_connections;
    public int max_queues_per_device;
    public int max_freeze_ms;
}
