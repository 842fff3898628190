package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Frames PDUs by PLEN and validates the common header before buffering anything, so a bad or
 * oversized length can never make us wait for (or allocate) bytes that will not come. Any
 * violation sends a TermReq with the offending header (NVMe/TCP 3.6.2.4-5), closes the channel,
 * fires an {@link NvmeTcpProtocolException} and discards all further input.
 */
public final class NvmeTcpPduDecoder extends ByteToMessageDecoder {
  private static final int TERM_REQ_MAX_DATA = 152;
  private final PduCodecConfig config;
  private boolean failed;

  public NvmeTcpPduDecoder(PduCodecConfig config) {
    this.config = config;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < PduType.CH_LEN) {
      return;
    }
    int s = in.readerIndex();
    try {
      long plen = validate(in, s);
      if (in.readableBytes() < plen) {
        return;
      }
      out.add(parse(in, s, (int) plen));
      in.readerIndex(s + (int) plen);
    } catch (NvmeTcpProtocolException e) {
      fail(ctx, in, s, e);
    }
  }

  /** Checks the common header (3.3.1) and returns PLEN. */
  private long validate(ByteBuf in, int s) {
    int type = in.getUnsignedByte(s);
    int flags = in.getUnsignedByte(s + 1);
    int hlen = in.getUnsignedByte(s + 2);
    int pdo = in.getUnsignedByte(s + 3);
    long plen = in.getUnsignedIntLE(s + 4);
    int expected = PduType.headerLength(type);
    if (expected < 0 || PduType.fromHost(type) == config.host()) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 0, "unexpected PDU type " + PduType.name(type));
    }
    if (hlen != expected) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 2, PduType.name(type) + " with HLEN " + hlen);
    }
    boolean hd = (flags & PduType.FLAG_HDGSTF) != 0;
    boolean dd = (flags & PduType.FLAG_DDGSTF) != 0;
    boolean hdExpected = config.headerDigest() && PduType.carriesHeaderDigest(type);
    if (hd != hdExpected || (dd && !(config.dataDigest() && PduType.carriesData(type)))) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 1, PduType.name(type) + " digest flags 0x"
          + Integer.toHexString(flags) + " do not match the negotiated digests");
    }
    int headerEnd = hlen + (hd ? PduType.DIGEST_LEN : 0);
    if (type == PduType.H2C_TERM_REQ || type == PduType.C2H_TERM_REQ) {
      if (plen < hlen || plen > hlen + TERM_REQ_MAX_DATA) {
        throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 4, "TermReq with PLEN " + plen);
      }
      return plen;
    }
    if (plen == headerEnd) {
      if (dd) {
        throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 1, PduType.name(type) + " has DDGSTF but no data");
      }
      return plen;
    }
    if (plen < headerEnd || !PduType.carriesData(type)) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 4, PduType.name(type) + " with PLEN " + plen);
    }
    if (pdo < headerEnd || pdo >= plen) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 3, PduType.name(type) + " with PDO " + pdo);
    }
    if (config.dataDigest() && !dd) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 1, PduType.name(type) + " data without DDGSTF");
    }
    long dataLen = plen - pdo - (dd ? PduType.DIGEST_LEN : 0);
    if (dataLen <= 0 || dataLen > config.maxDataLength()) {
      throw error(TermReqPdu.FES_DATA_LIMIT_EXCEEDED, 4, PduType.name(type) + " carries " + dataLen
          + " data bytes, limit " + config.maxDataLength());
    }
    return plen;
  }

  private NvmeTcpPdu parse(ByteBuf in, int s, int plen) {
    int type = in.getUnsignedByte(s);
    int flags = in.getUnsignedByte(s + 1);
    int hlen = in.getUnsignedByte(s + 2);
    int pdo = in.getUnsignedByte(s + 3);
    if ((flags & PduType.FLAG_HDGSTF) != 0 && in.getIntLE(s + hlen) != Crc32c.of(in, s, hlen)) {
      throw error(TermReqPdu.FES_HEADER_DIGEST_ERROR, 0, PduType.name(type) + " header digest mismatch");
    }
    int dataLen = 0;
    if (pdo != 0 && PduType.carriesData(type) && plen > hlen) {
      boolean dd = (flags & PduType.FLAG_DDGSTF) != 0;
      dataLen = plen - pdo - (dd ? PduType.DIGEST_LEN : 0);
    }
    boolean badData = dataLen > 0 && (flags & PduType.FLAG_DDGSTF) != 0
        && in.getIntLE(s + pdo + dataLen) != Crc32c.of(in, s + pdo, dataLen);
    NvmeTcpPdu pdu = pdu(in, s, type, flags, hlen, pdo, plen, dataLen);
    if (badData) {
      // Not a framing error: the PDU goes up marked, and only its command fails.
      if (pdu instanceof C2HDataPdu d) {
        d.markDataDigestError();
      } else if (pdu instanceof H2CDataPdu d) {
        d.markDataDigestError();
      } else if (pdu instanceof CapsuleCommandPdu c) {
        c.markDataDigestError();
      }
    }
    return pdu;
  }

  private NvmeTcpPdu pdu(ByteBuf in, int s, int type, int flags, int hlen, int pdo, int plen, int dataLen) {
    return switch (type) {
      case PduType.IC_REQ -> new IcReqPdu(in.getUnsignedShortLE(s + 8), in.getUnsignedByte(s + 10),
          (in.getByte(s + 11) & 1) != 0, (in.getByte(s + 11) & 2) != 0, in.getUnsignedIntLE(s + 12));
      case PduType.IC_RESP -> new IcRespPdu(in.getUnsignedShortLE(s + 8), in.getUnsignedByte(s + 10),
          (in.getByte(s + 11) & 1) != 0, (in.getByte(s + 11) & 2) != 0, in.getUnsignedIntLE(s + 12));
      case PduType.H2C_TERM_REQ, PduType.C2H_TERM_REQ -> new TermReqPdu(type == PduType.H2C_TERM_REQ,
          in.getUnsignedShortLE(s + 8), in.getUnsignedIntLE(s + 10),
          ByteBufUtil.getBytes(in, s + hlen, plen - hlen));
      case PduType.CAPSULE_CMD -> new CapsuleCommandPdu(Sqe.read(in, s + 8),
          dataLen == 0 ? null : in.retainedSlice(s + pdo, dataLen));
      case PduType.CAPSULE_RESP -> new CapsuleResponsePdu(Cqe.read(in, s + 8));
      case PduType.H2C_DATA -> dataPdu(in, s, pdo, dataLen, true, flags);
      case PduType.C2H_DATA -> dataPdu(in, s, pdo, dataLen, false, flags);
      case PduType.R2T -> new R2tPdu(in.getUnsignedShortLE(s + 8), in.getUnsignedShortLE(s + 10),
          in.getUnsignedIntLE(s + 12), in.getUnsignedIntLE(s + 16));
      default -> throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 0, "unknown PDU type " + type);
    };
  }

  private NvmeTcpPdu dataPdu(ByteBuf in, int s, int pdo, int dataLen, boolean h2c, int flags) {
    long datal = in.getUnsignedIntLE(s + 16);
    if (datal != dataLen || dataLen == 0) {
      throw error(TermReqPdu.FES_INVALID_HEADER_FIELD, 16, "DATAL " + datal + " but PDU carries " + dataLen);
    }
    boolean last = (flags & PduType.FLAG_LAST_PDU) != 0;
    ByteBuf data = in.retainedSlice(s + pdo, dataLen);
    return h2c
        ? new H2CDataPdu(in.getUnsignedShortLE(s + 8), in.getUnsignedShortLE(s + 10), in.getUnsignedIntLE(s + 12),
            last, data)
        : new C2HDataPdu(in.getUnsignedShortLE(s + 8), in.getUnsignedIntLE(s + 12), last,
            (flags & PduType.FLAG_SUCCESS) != 0, data);
  }

  private static NvmeTcpProtocolException error(int fes, long fei, String message) {
    return new NvmeTcpProtocolException(fes, fei, message);
  }

  private void fail(ChannelHandlerContext ctx, ByteBuf in, int s, NvmeTcpProtocolException e) {
    failed = true;
    int type = in.getUnsignedByte(s);
    int hlen = Math.min(in.readableBytes(), Math.max(PduType.CH_LEN, Math.min(in.getUnsignedByte(s + 2),
        TermReqPdu.MAX_ERROR_HEADER)));
    byte[] header = ByteBufUtil.getBytes(in, s, hlen);
    in.skipBytes(in.readableBytes());
    if (type == PduType.H2C_TERM_REQ || type == PduType.C2H_TERM_REQ) {
      ctx.close();
    } else {
      ctx.writeAndFlush(new TermReqPdu(config.host(), e.fes(), e.fei(), header))
          .addListener(ChannelFutureListener.CLOSE);
    }
    ctx.fireExceptionCaught(e);
  }
}
