package io.bmagent.card.soft.nvmetcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(120)
class NvmeTcpPduCodecTest {
  private final List<Throwable> errors = new ArrayList<>();

  private EmbeddedChannel channel(boolean host, boolean hd, boolean dd, int maxData) {
    PduCodecConfig cfg = new PduCodecConfig(host, maxData);
    cfg.digests(hd, dd);
    return new EmbeddedChannel(new NvmeTcpPduEncoder(cfg), new NvmeTcpPduDecoder(cfg),
        new ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
          }
        });
  }

  /** Encodes on a sender channel and returns the wire bytes as one buffer. */
  private static ByteBuf wire(EmbeddedChannel sender, NvmeTcpPdu pdu) {
    assertTrue(sender.writeOutbound(pdu));
    CompositeByteBuf all = Unpooled.compositeBuffer();
    for (Object o; (o = sender.readOutbound()) != null; ) {
      all.addComponent(true, (ByteBuf) o);
    }
    return all;
  }

  private <T> T roundTrip(NvmeTcpPdu pdu, boolean hd, boolean dd, boolean byteByByte) {
    boolean fromHost = PduType.fromHost(pdu.type());
    EmbeddedChannel tx = channel(fromHost, hd, dd, 1 << 20);
    EmbeddedChannel rx = channel(!fromHost, hd, dd, 1 << 20);
    ByteBuf bytes = wire(tx, pdu);
    if (byteByByte) {
      while (bytes.isReadable()) {
        rx.writeInbound(bytes.readRetainedSlice(1));
      }
      bytes.release();
    } else {
      rx.writeInbound(bytes);
    }
    T out = rx.readInbound();
    assertNotNull(out);
    assertTrue(errors.isEmpty(), () -> errors.toString());
    assertFalse(tx.finish());
    assertFalse(rx.finish());
    return out;
  }

  @Test
  void crc32cCheckValue() {
    ByteBuf b = Unpooled.copiedBuffer("123456789", StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, Crc32c.of(b, 0, 9));
    b.release();
  }

  @Test
  void icReqCannedBytes() {
    EmbeddedChannel host = channel(true, false, false, 4096);
    ByteBuf bytes = wire(host, new IcReqPdu(0, 0, true, true, 0));
    assertEquals(128, bytes.readableBytes());
    assertEquals("0000800080000000" + "00000003" + "00000000", ByteBufUtil.hexDump(bytes, 0, 16));
    bytes.release();
    EmbeddedChannel ctrl = channel(false, false, false, 4096);
    ByteBuf canned = Unpooled.buffer(128).writeZero(128);
    canned.setByte(0, 0).setByte(2, 128).setIntLE(4, 128).setByte(11, 1).setIntLE(12, 3);
    ctrl.writeInbound(canned);
    IcReqPdu req = ctrl.readInbound();
    assertEquals(new IcReqPdu(0, 0, true, false, 3), req);
    assertFalse(ctrl.finish());
    assertFalse(host.finish());
  }

  @Test
  void capsuleCommandWithInCapsuleDataAndDigests() {
    for (boolean digests : new boolean[] {false, true}) {
      Sqe sqe = NvmeCommands.write(1, 77, 1).cid(5).sgl(Sqe.SGL_INCAPSULE, 0, 512);
      ByteBuf data = Unpooled.buffer(512).writeZero(512).setByte(10, 42);
      CapsuleCommandPdu got = roundTrip(new CapsuleCommandPdu(sqe, data), digests, digests, digests);
      assertEquals(Nvme.IO_WRITE, got.sqe().opcode());
      assertEquals(5, got.sqe().cid());
      assertEquals(77, got.sqe().u64(40));
      assertEquals(512, got.content().readableBytes());
      assertEquals(42, got.content().getByte(10));
      got.release();
    }
  }

  @Test
  void everyPduTypeRoundTrips() {
    IcRespPdu resp = roundTrip(new IcRespPdu(0, 0, true, false, 131072), false, false, false);
    assertEquals(131072, resp.maxH2cData());
    CapsuleResponsePdu cr = roundTrip(new CapsuleResponsePdu(Cqe.error(9, 0, Nvme.SC_LBA_OUT_OF_RANGE, true)),
        true, true, false);
    assertEquals(9, cr.cqe().cid());
    assertEquals(Nvme.SC_LBA_OUT_OF_RANGE, cr.cqe().sc());
    assertTrue(cr.cqe().dnr());
    R2tPdu r2t = roundTrip(new R2tPdu(3, 7, 4096, 65536), true, false, false);
    assertEquals(new R2tPdu(3, 7, 4096, 65536), r2t);
    H2CDataPdu h2c = roundTrip(new H2CDataPdu(3, 7, 4096, true, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})),
        true, true, true);
    assertEquals(7, h2c.ttag());
    assertTrue(h2c.last());
    assertEquals(4, h2c.content().readableBytes());
    h2c.release();
    C2HDataPdu c2h = roundTrip(new C2HDataPdu(4, 8192, true, true, Unpooled.wrappedBuffer(new byte[] {9})),
        false, true, false);
    assertTrue(c2h.success());
    assertEquals(8192, c2h.datao());
    c2h.release();
    TermReqPdu term = roundTrip(new TermReqPdu(true, 1, 2, new byte[] {4, 0, 72}), true, true, false);
    assertEquals(1, term.fes());
    assertArrayEquals(new byte[] {4, 0, 72}, term.errorHeader());
  }

  @Test
  void dataIsAlignedToRequestedPda() {
    PduCodecConfig cfg = new PduCodecConfig(false, 4096);
    cfg.txPda(31);
    EmbeddedChannel tx = new EmbeddedChannel(new NvmeTcpPduEncoder(cfg));
    ByteBuf bytes = wire(tx, new C2HDataPdu(1, 0, true, false, Unpooled.wrappedBuffer(new byte[] {5})));
    assertEquals(128, bytes.getUnsignedByte(3));
    assertEquals(129, bytes.getIntLE(4));
    EmbeddedChannel rx = channel(true, false, false, 4096);
    rx.writeInbound(bytes);
    C2HDataPdu pdu = rx.readInbound();
    assertEquals(5, pdu.content().getByte(0));
    pdu.release();
    assertFalse(rx.finish());
  }

  private TermReqPdu expectTermination(EmbeddedChannel rx, ByteBuf bad, int fes) {
    rx.writeInbound(bad);
    Object term = rx.readOutbound();
    assertNotNull(term, "a TermReq must be sent");
    ByteBuf t = (ByteBuf) term;
    assertEquals(rx.isOpen(), false);
    assertEquals(fes, t.getUnsignedShortLE(8));
    int type = t.getUnsignedByte(0);
    TermReqPdu pdu = new TermReqPdu(type == PduType.H2C_TERM_REQ, fes, t.getUnsignedIntLE(10), null);
    t.release();
    for (Object o; (o = rx.readOutbound()) != null; ) {
      ReferenceCountUtil.release(o);
    }
    assertEquals(1, errors.size());
    assertInstanceOf(NvmeTcpProtocolException.class, errors.get(0));
    assertNull(rx.readInbound());
    return pdu;
  }

  @Test
  void badHeaderLengthTerminatesWithTermReq() {
    EmbeddedChannel ctrl = channel(false, false, false, 4096);
    ByteBuf bad = Unpooled.buffer().writeZero(128);
    bad.setByte(0, PduType.CAPSULE_CMD).setByte(2, 70).setIntLE(4, 72);
    TermReqPdu t = expectTermination(ctrl, bad, TermReqPdu.FES_INVALID_HEADER_FIELD);
    assertEquals(2, t.fei());
    assertEquals(PduType.C2H_TERM_REQ, t.type());
  }

  @Test
  void oversizedPduIsRejectedBeforeBuffering() {
    EmbeddedChannel ctrl = channel(false, false, false, 8192);
    ByteBuf bad = Unpooled.buffer().writeZero(16);
    bad.setByte(0, PduType.H2C_DATA).setByte(2, 24).setByte(3, 24).setIntLE(4, 24 + (1 << 30));
    expectTermination(ctrl, bad, TermReqPdu.FES_DATA_LIMIT_EXCEEDED);
  }

  @Test
  void plenShorterThanHeaderIsRejected() {
    EmbeddedChannel host = channel(true, false, false, 8192);
    ByteBuf bad = Unpooled.buffer().writeZero(24);
    bad.setByte(0, PduType.CAPSULE_RESP).setByte(2, 24).setIntLE(4, 10);
    expectTermination(host, bad, TermReqPdu.FES_INVALID_HEADER_FIELD);
  }

  @Test
  void wrongDirectionIsRejected() {
    EmbeddedChannel host = channel(true, false, false, 8192);
    ByteBuf bad = Unpooled.buffer().writeZero(128);
    bad.setByte(0, PduType.IC_REQ).setByte(2, 128).setIntLE(4, 128);
    expectTermination(host, bad, TermReqPdu.FES_INVALID_HEADER_FIELD);
  }

  @Test
  void headerDigestMismatchTerminates() {
    EmbeddedChannel tx = channel(false, true, false, 4096);
    ByteBuf bytes = wire(tx, new CapsuleResponsePdu(Cqe.success(1, 0)));
    bytes.setByte(12, 0x55);
    EmbeddedChannel host = channel(true, true, false, 4096);
    expectTermination(host, bytes, TermReqPdu.FES_HEADER_DIGEST_ERROR);
  }

  /** A data digest error is the command's, not the connection's: the PDU goes up marked, nothing is sent. */
  @Test
  void dataDigestMismatchMarksThePduAndKeepsTheConnection() {
    EmbeddedChannel tx = channel(true, false, true, 4096);
    ByteBuf bytes = wire(tx, new H2CDataPdu(1, 1, 0, true, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})));
    // H2CData: 24-byte header, PDO 24, 4 data bytes, then DDGST at 28..31.
    assertEquals(PduType.FLAG_DDGSTF | PduType.FLAG_LAST_PDU, bytes.getUnsignedByte(1));
    assertEquals(32, bytes.getIntLE(4));
    bytes.setByte(29, bytes.getByte(29) ^ 0x40);
    EmbeddedChannel ctrl = channel(false, false, true, 4096);
    ctrl.writeInbound(bytes);
    H2CDataPdu pdu = ctrl.readInbound();
    assertTrue(pdu.dataDigestError());
    pdu.release();
    assertNull(ctrl.readOutbound(), "no TermReq for a data digest error");
    assertTrue(ctrl.isOpen());
    assertTrue(errors.isEmpty());

    ByteBuf good = wire(tx, new C2HDataPdu(1, 0, true, false, Unpooled.wrappedBuffer(new byte[] {5, 6, 7, 8})));
    EmbeddedChannel host = channel(true, false, true, 4096);
    host.writeInbound(good);
    C2HDataPdu ok = host.readInbound();
    assertFalse(ok.dataDigestError());
    ok.release();
    assertFalse(ctrl.finish());
    assertFalse(host.finish());
  }

  @Test
  void missingHeaderDigestWhenNegotiatedTerminates() {
    EmbeddedChannel tx = channel(false, false, false, 4096);
    ByteBuf bytes = wire(tx, new R2tPdu(1, 1, 0, 10));
    EmbeddedChannel host = channel(true, true, false, 4096);
    expectTermination(host, bytes, TermReqPdu.FES_INVALID_HEADER_FIELD);
  }

  @Test
  void connectCommandLayout() {
    Sqe sqe = NvmeCommands.connect(0, 32, 15000);
    assertEquals(0x7F, sqe.opcode());
    assertEquals(Nvme.FCTYPE_CONNECT, sqe.fctype());
    assertEquals(31, sqe.u16(44));
    assertEquals(15000, sqe.u32(48));
    ByteBuf data = NvmeCommands.connectData(io.netty.buffer.ByteBufAllocator.DEFAULT,
        java.util.UUID.randomUUID(), 0xFFFF, "nqn.sub", "nqn.host");
    assertEquals(1024, data.readableBytes());
    assertEquals(0xFFFF, data.getUnsignedShortLE(16));
    assertEquals("nqn.sub", data.toString(256, 7, StandardCharsets.US_ASCII));
    assertEquals(0, data.getByte(256 + 7));
    assertEquals("nqn.host", data.toString(512, 8, StandardCharsets.US_ASCII));
    data.release();
    Sqe set = NvmeCommands.setNumberOfQueues(4);
    assertEquals(0x00030003L, set.cdw(11));
    Sqe wz = NvmeCommands.writeZeroes(1, 10, 8, true);
    assertEquals(7 | (1L << 25), wz.cdw(12));
  }
}
