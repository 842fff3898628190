/**
 * NVMe/TCP for the soft card: the PDU layer written to the NVMe/TCP Transport Specification
 * (TP 8000, NVMe-TCP 1.0) and NVMe over Fabrics 1.1, command builders, and the initiator
 * ({@link io.bmagent.card.soft.nvmetcp.NvmeTcpController}) that turns a remote subsystem
 * into an asynchronous block API with reconnect and a controller-loss timeout.
 *
 * <p>Pipeline order on both sides is {@code encoder, decoder, handler}: the decoder writes a
 * TermReq itself on a protocol error, so the encoder must sit between it and the head.
 */
package io.bmagent.card.soft.nvmetcp;
