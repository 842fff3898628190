package io.bmagent.card.nativelib;

import com.sun.jna.Structure.FieldOrder;

/** {@code bmdpu_port_counters}: the host port's traffic since the card was opened. */
@FieldOrder({"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "rx_drops", "tx_drops"})
public class PortCounters extends BmdpuStructure {
    public long rx_packets;
    public long rx_bytes;
    public long tx_packets;
    public long tx_bytes;
    public long rx_drops;
    public long tx_drops;
}
