package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

import java.util.List;

/**
 * Writes PDUs as header buffer, zero-copy data slice and digest buffer. Data is placed at a PDO
 * aligned to the peer's requested PDA (NVMe/TCP 3.3.3), with zero padding before it.
 */
public final class NvmeTcpPduEncoder extends MessageToMessageEncoder<NvmeTcpPdu> {
  private final PduCodecConfig config;

  public NvmeTcpPduEncoder(PduCodecConfig config) {
    super(NvmeTcpPdu.class);
    this.config = config;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, NvmeTcpPdu pdu, List<Object> out) {
    encode(ctx.alloc(), config, pdu, out);
  }

  static void encode(ByteBufAllocator alloc, PduCodecConfig config, NvmeTcpPdu pdu, List<Object> out) {
    int type = pdu.type();
    int hlen = PduType.headerLength(type);
    ByteBuf data = pdu instanceof ByteBufHolder h && PduType.carriesData(type) ? h.content() : null;
    int dlen = data == null ? 0 : data.readableBytes();
    boolean hd = config.headerDigest() && PduType.carriesHeaderDigest(type);
    boolean dd = dlen > 0 && config.dataDigest();
    int headerEnd = hlen + (hd ? PduType.DIGEST_LEN : 0);
    int pdo = 0;
    int plen = headerEnd;
    if (dlen > 0) {
      int align = config.txDataAlignment();
      pdo = (headerEnd + align - 1) / align * align;
      plen = pdo + dlen + (dd ? PduType.DIGEST_LEN : 0);
    }
    byte[] termData = pdu instanceof TermReqPdu t ? t.errorHeader() : null;
    if (termData != null) {
      plen += termData.length;
    }
    int flags = (hd ? PduType.FLAG_HDGSTF : 0) | (dd ? PduType.FLAG_DDGSTF : 0) | specificFlags(pdu);
    ByteBuf header = alloc.buffer(Math.max(pdo, headerEnd) + (termData == null ? 0 : termData.length));
    header.writeByte(type).writeByte(flags).writeByte(hlen).writeByte(pdo).writeIntLE(plen);
    writeSpecific(pdu, header);
    header.writerIndex(hlen);
    if (hd) {
      header.writeIntLE(Crc32c.of(header, 0, hlen));
    }
    if (termData != null) {
      header.writeBytes(termData);
    }
    header.writeZero(Math.max(0, pdo - header.writerIndex()));
    out.add(header);
    if (dlen > 0) {
      out.add(data.retainedSlice());
      if (dd) {
        out.add(alloc.buffer(4).writeIntLE(Crc32c.of(data, data.readerIndex(), dlen)));
      }
    }
  }

  private static int specificFlags(NvmeTcpPdu pdu) {
    if (pdu instanceof H2CDataPdu d) {
      return d.last() ? PduType.FLAG_LAST_PDU : 0;
    }
    if (pdu instanceof C2HDataPdu d) {
      return (d.last() ? PduType.FLAG_LAST_PDU : 0) | (d.success() ? PduType.FLAG_SUCCESS : 0);
    }
    return 0;
  }

  /** Writes the PDU-specific header fields after the common header; the caller zero-fills to HLEN. */
  private static void writeSpecific(NvmeTcpPdu pdu, ByteBuf h) {
    int start = h.writerIndex();
    h.writeZero(PduType.headerLength(pdu.type()) - start);
    if (pdu instanceof IcReqPdu r) {
      h.setShortLE(8, r.pfv()).setByte(10, r.hpda()).setByte(11, digestBits(r.headerDigest(), r.dataDigest()))
          .setIntLE(12, (int) r.maxr2t());
    } else if (pdu instanceof IcRespPdu r) {
      h.setShortLE(8, r.pfv()).setByte(10, r.cpda()).setByte(11, digestBits(r.headerDigest(), r.dataDigest()))
          .setIntLE(12, (int) r.maxH2cData());
    } else if (pdu instanceof CapsuleCommandPdu c) {
      h.writerIndex(8);
      c.sqe().write(h);
    } else if (pdu instanceof CapsuleResponsePdu r) {
      h.writerIndex(8);
      r.cqe().write(h);
    } else if (pdu instanceof H2CDataPdu d) {
      h.setShortLE(8, d.cccid()).setShortLE(10, d.ttag()).setIntLE(12, (int) d.datao())
          .setIntLE(16, d.content().readableBytes());
    } else if (pdu instanceof C2HDataPdu d) {
      h.setShortLE(8, d.cccid()).setIntLE(12, (int) d.datao()).setIntLE(16, d.content().readableBytes());
    } else if (pdu instanceof R2tPdu r) {
      h.setShortLE(8, r.cccid()).setShortLE(10, r.ttag()).setIntLE(12, (int) r.r2to())
          .setIntLE(16, (int) r.r2tl());
    } else if (pdu instanceof TermReqPdu t) {
      h.setShortLE(8, t.fes()).setIntLE(10, (int) t.fei());
    }
    h.writerIndex(PduType.headerLength(pdu.type()));
  }

  private static int digestBits(boolean header, boolean data) {
    return (header ? 1 : 0) | (data ? 2 : 0);
  }
}
