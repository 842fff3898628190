package io.bmagent.card.soft.nvmetcp;

/** A decoded or to-be-encoded NVMe/TCP PDU; PDUs with data also implement {@link io.netty.buffer.ByteBufHolder}. */
public interface NvmeTcpPdu {
    int type();
}
