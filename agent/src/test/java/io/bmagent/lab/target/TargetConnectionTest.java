package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.CapsuleCommandPdu;
import io.bmagent.card.soft.nvmetcp.H2CDataPdu;
import io.bmagent.card.soft.nvmetcp.IcReqPdu;
import io.bmagent.card.soft.nvmetcp.IcRespPdu;
import io.bmagent.card.soft.nvmetcp.NvmeCommands;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPdu;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduDecoder;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduEncoder;
import io.bmagent.card.soft.nvmetcp.PduCodecConfig;
import io.bmagent.card.soft.nvmetcp.TermReqPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.*;

/** The target's connection handler in an EmbeddedChannel, fed PDUs encoded as a host would. */
@Timeout(60)
class TargetConnectionTest {
  final TargetOptions options = new TargetOptions().threads(1);
  final NvmeTcpTarget target = new NvmeTcpTarget(options);
  final PduCodecConfig codec = new PduCodecConfig(false, 1 << 20);
  final EmbeddedChannel ch = new EmbeddedChannel(new NvmeTcpPduEncoder(codec), new NvmeTcpPduDecoder(codec),
      new TargetConnection(target, options, codec));
  final EmbeddedChannel hostEncoder = new EmbeddedChannel(new NvmeTcpPduEncoder(new PduCodecConfig(true, 1 << 20)));
  final EmbeddedChannel hostDecoder = new EmbeddedChannel(new NvmeTcpPduDecoder(new PduCodecConfig(true, 1 << 20)));

  @AfterEach
  void close() throws Exception {
    ch.finishAndReleaseAll();
    hostEncoder.finishAndReleaseAll();
    hostDecoder.finishAndReleaseAll();
    target.close();
  }

  private void send(NvmeTcpPdu pdu) {
    hostEncoder.writeOutbound(pdu);
    for (Object o; (o = hostEncoder.readOutbound()) != null; ) {
      ch.writeInbound(o);
    }
  }

  private <T> T receive(Class<T> type) {
    for (Object o; (o = ch.readOutbound()) != null; ) {
      hostDecoder.writeInbound(o);
    }
    Object pdu = hostDecoder.readInbound();
    assertInstanceOf(type, pdu);
    return type.cast(pdu);
  }

  @Test
  void commandBeforeIcReqIsAPduSequenceError() {
    send(new CapsuleCommandPdu(NvmeCommands.keepAlive(), null));
    TermReqPdu t = receive(TermReqPdu.class);
    assertEquals(TermReqPdu.FES_PDU_SEQUENCE_ERROR, t.fes());
    assertFalse(ch.isOpen());
  }

  @Test
  void icRespCarriesMaxH2cDataAndMirrorsDigests() {
    send(new IcReqPdu(0, 0, true, false, 0));
    IcRespPdu r = receive(IcRespPdu.class);
    assertTrue(r.headerDigest());
    assertFalse(r.dataDigest());
    assertEquals(0, r.cpda());
    assertEquals(options.maxH2cData, r.maxH2cData());
    assertTrue(codec.headerDigest());
  }

  @Test
  void secondIcReqIsAPduSequenceError() {
    send(new IcReqPdu(0, 0, false, false, 0));
    receive(IcRespPdu.class);
    send(new IcReqPdu(0, 0, false, false, 0));
    assertEquals(TermReqPdu.FES_PDU_SEQUENCE_ERROR, receive(TermReqPdu.class).fes());
  }

  @Test
  void h2cDataForAnUnknownTransferTagTerminates() {
    send(new IcReqPdu(0, 0, false, false, 0));
    receive(IcRespPdu.class);
    ByteBuf data = Unpooled.buffer(512).writeZero(512);
    send(new H2CDataPdu(1, 77, 0, true, data));
    TermReqPdu t = receive(TermReqPdu.class);
    assertEquals(TermReqPdu.FES_INVALID_HEADER_FIELD, t.fes());
    assertEquals(10, t.fei());
    assertFalse(ch.isOpen());
  }

  @Test
  void unsupportedPfvIsRejected() {
    send(new IcReqPdu(1, 0, false, false, 0));
    TermReqPdu t = receive(TermReqPdu.class);
    assertEquals(TermReqPdu.FES_UNSUPPORTED_PARAMETER, t.fes());
    assertEquals(8, t.fei());
  }
}
