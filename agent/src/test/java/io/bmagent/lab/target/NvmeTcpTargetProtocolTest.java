package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.CapsuleCommandPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleResponsePdu;
import io.bmagent.card.soft.nvmetcp.Cqe;
import io.bmagent.card.soft.nvmetcp.H2CDataPdu;
import io.bmagent.card.soft.nvmetcp.IcReqPdu;
import io.bmagent.card.soft.nvmetcp.IcRespPdu;
import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.NvmeCommands;
import io.bmagent.card.soft.nvmetcp.NvmeTcpPduEncoder;
import io.bmagent.card.soft.nvmetcp.PduCodecConfig;
import io.bmagent.card.soft.nvmetcp.R2tPdu;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.bmagent.card.soft.nvmetcp.TermReqPdu;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** Drives the target PDU by PDU through the sequence a Linux host uses, over a real socket. */
@Timeout(120)
class NvmeTcpTargetProtocolTest {
  static final String NQN = "nqn.2024-01.io.bmagent:lab-raw";
  static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:raw-host";
  final UUID hostId = UUID.randomUUID();
  NvmeTcpTarget target;
  Namespace ns;

  @BeforeEach
  void start() throws Exception {
    target = new NvmeTcpTarget(new TargetOptions().maxH2cData(8192).threads(1));
    ns = target.addSubsystem(NQN).addMemoryNamespace(1 << 20, 512);
    target.start();
  }

  @AfterEach
  void stop() throws Exception {
    target.close();
  }

  private int connect(RawHost h, int qid, int cntlid, boolean digests) throws InterruptedException {
    h.send(new IcReqPdu(0, 0, digests, digests, 0));
    IcRespPdu resp = h.next(IcRespPdu.class);
    assertEquals(8192, resp.maxH2cData());
    h.onLoop(() -> h.codec.digests(resp.headerDigest(), resp.dataDigest()));
    ByteBuf data = NvmeCommands.connectData(ByteBufAllocator.DEFAULT, hostId, cntlid, NQN, HOST);
    Cqe cqe = h.command(NvmeCommands.connect(qid, 32, 5000), 1, data);
    assertTrue(cqe.ok(), "connect status " + cqe);
    return (int) (cqe.dw0() & 0xffff);
  }

  @Test
  void linuxStyleBringUpAndIo() throws Exception {
    try (RawHost admin = new RawHost(target.port()); RawHost io = new RawHost(target.port())) {
      int cntlid = connect(admin, 0, 0xFFFF, true);
      Cqe cap = admin.command(NvmeCommands.propertyGet(Nvme.PROP_CAP, true), 2, null);
      assertEquals(1023, cap.dw0() & 0xffff);
      assertTrue(admin.command(NvmeCommands.propertySet(Nvme.PROP_CC, 0x460001, false), 3, null).ok());
      assertEquals(1, admin.command(NvmeCommands.propertyGet(Nvme.PROP_CSTS, false), 4, null).dw0() & 1);

      ByteBuf id = admin.readData(NvmeCommands.identify(Nvme.CNS_CONTROLLER, 0), 5, 4096);
      assertEquals(cntlid, id.getUnsignedShortLE(78));
      assertEquals(IdentifyPages.MODEL, id.toString(24, 40, StandardCharsets.US_ASCII).trim());
      assertEquals(NQN, id.toString(768, NQN.length(), StandardCharsets.UTF_8));
      assertEquals((64 + 8192) / 16, id.getIntLE(1792));
      assertNotEquals(0, id.getIntLE(536) & (1 << 21));
      id.release();
      ByteBuf nsId = admin.readData(NvmeCommands.identify(Nvme.CNS_NAMESPACE, 1), 6, 4096);
      assertEquals(2048, nsId.getLongLE(0));
      assertEquals(9, (nsId.getIntLE(128) >> 16) & 0xff);
      nsId.release();
      ByteBuf list = admin.readData(NvmeCommands.identify(Nvme.CNS_ACTIVE_NSIDS, 0), 7, 4096);
      assertEquals(1, list.getIntLE(0));
      assertEquals(0, list.getIntLE(4));
      list.release();
      admin.readData(NvmeCommands.identify(Nvme.CNS_CSI_CONTROLLER, 0), 20, 4096).release();
      ByteBuf descs = admin.readData(NvmeCommands.identify(Nvme.CNS_NS_DESCRIPTORS, 1), 21, 4096);
      assertEquals(2, descs.getByte(0));
      assertEquals(16, descs.getByte(1));
      byte[] nguid = new byte[16];
      descs.getBytes(4, nguid);
      assertArrayEquals(ns.nguid(), nguid);
      descs.release();
      Cqe q = admin.command(NvmeCommands.setNumberOfQueues(2), 8, null);
      assertEquals(0x00010001L, q.dw0());
      assertTrue(admin.command(NvmeCommands.keepAlive(), 9, null).ok());

      assertEquals(cntlid, connect(io, 1, cntlid, false));
      ByteBuf small = Unpooled.buffer(512).writeZero(512).setByte(0, 0x5A);
      assertTrue(io.command(NvmeCommands.write(1, 3, 1), 10, small).ok());

      int big = 20 * 1024;
      io.send(new CapsuleCommandPdu(NvmeCommands.write(1, 100, big / 512).cid(11)
          .sgl(Sqe.SGL_TRANSPORT, 0, big), null));
      R2tPdu r2t = io.next(R2tPdu.class);
      assertEquals(big, r2t.r2tl());
      for (int off = 0; off < big; off += 8192) {
        int n = Math.min(8192, big - off);
        ByteBuf chunk = Unpooled.buffer(n);
        for (int i = 0; i < n; i++) {
          chunk.writeByte((off + i) % 251);
        }
        io.send(new H2CDataPdu(11, r2t.ttag(), off, off + n == big, chunk));
      }
      assertTrue(io.next(CapsuleResponsePdu.class).cqe().ok());

      ByteBuf back = io.readData(NvmeCommands.read(1, 100, big / 512), 12, big);
      for (int i = 0; i < big; i++) {
        assertEquals((byte) (i % 251), back.getByte(i), "byte " + i);
      }
      back.release();
      ByteBuf one = io.readData(NvmeCommands.read(1, 3, 1), 13, 512);
      assertEquals(0x5A, one.getByte(0));
      one.release();
      Cqe oob = io.command(NvmeCommands.read(1, 2048, 1).sgl(Sqe.SGL_TRANSPORT, 0, 512), 14, null);
      assertEquals(Nvme.SC_LBA_OUT_OF_RANGE, oob.sc());
    }
  }

  @Test
  void commandBeforeConnectIsOutOfSequenceAndDataBeyondMaxH2cDataTerminates() throws Exception {
    try (RawHost h = new RawHost(target.port())) {
      h.send(new IcReqPdu(0, 0, false, false, 0));
      h.next(IcRespPdu.class);
      assertEquals(Nvme.SC_COMMAND_SEQUENCE_ERROR, h.command(NvmeCommands.keepAlive(), 1, null).sc());
      int cntlid = (int) h.command(NvmeCommands.connect(0, 32, 0), 2,
          NvmeCommands.connectData(ByteBufAllocator.DEFAULT, hostId, 0xFFFF, NQN, HOST)).dw0();
      assertTrue(cntlid > 0);
      assertTrue(h.command(NvmeCommands.propertySet(Nvme.PROP_CC, 1, false), 3, null).ok());
      h.send(new CapsuleCommandPdu(NvmeCommands.write(1, 0, 64).cid(4).sgl(Sqe.SGL_TRANSPORT, 0, 32768), null));
      R2tPdu r2t = h.next(R2tPdu.class);
      h.send(new H2CDataPdu(4, r2t.ttag(), 0, false, Unpooled.buffer(16384).writeZero(16384)));
      TermReqPdu term = h.next(TermReqPdu.class);
      assertEquals(TermReqPdu.FES_DATA_LIMIT_EXCEEDED, term.fes());
      assertEquals("closed", h.received.poll(10, java.util.concurrent.TimeUnit.SECONDS));
    }
  }

  /** H2CData with a bad data digest: that write fails with Transient Transport Error, the connection lives on. */
  @Test
  void badDataDigestFailsTheWriteAndKeepsTheConnection() throws Exception {
    try (RawHost admin = new RawHost(target.port())) {
      connect(admin, 0, 0xFFFF, true);
      assertTrue(admin.command(NvmeCommands.propertySet(Nvme.PROP_CC, 0x460001, false), 2, null).ok());
      admin.send(new CapsuleCommandPdu(NvmeCommands.write(1, 0, 16).cid(3).sgl(Sqe.SGL_TRANSPORT, 0, 8192), null));
      R2tPdu r2t = admin.next(R2tPdu.class);
      PduCodecConfig cfg = new PduCodecConfig(true, 1 << 20);
      cfg.digests(true, true);
      EmbeddedChannel enc = new EmbeddedChannel(new NvmeTcpPduEncoder(cfg));
      enc.writeOutbound(new H2CDataPdu(3, r2t.ttag(), 0, true, Unpooled.buffer(8192).writeZero(8192)));
      CompositeByteBuf wire = Unpooled.compositeBuffer();
      for (Object o; (o = enc.readOutbound()) != null; ) {
        wire.addComponent(true, (ByteBuf) o);
      }
      int last = wire.writerIndex() - 1;
      wire.setByte(last, wire.getByte(last) ^ 0x10);
      admin.sendRaw(wire);
      Cqe failed = admin.next(CapsuleResponsePdu.class).cqe();
      assertEquals(Nvme.SCT_GENERIC, failed.sct());
      assertEquals(Nvme.SC_TRANSIENT_TRANSPORT_ERROR, failed.sc());
      assertFalse(failed.dnr(), "a transport error is worth retrying");
      assertTrue(admin.command(NvmeCommands.keepAlive(), 4, null).ok(), "the connection stays up");
    }
  }

  @Test
  void wrongSubsystemIsRefusedWithInvalidParameters() throws Exception {
    try (RawHost h = new RawHost(target.port())) {
      h.send(new IcReqPdu(0, 0, false, false, 0));
      h.next(IcRespPdu.class);
      Cqe cqe = h.command(NvmeCommands.connect(0, 32, 0), 1,
          NvmeCommands.connectData(ByteBufAllocator.DEFAULT, hostId, 0xFFFF, "nqn.nope", HOST));
      assertEquals(Nvme.SCT_COMMAND_SPECIFIC, cqe.sct());
      assertEquals(Nvme.SC_CONNECT_INVALID_PARAMETERS, cqe.sc());
      assertEquals(256, cqe.dw0() >>> 16);
    }
  }

  @Test
  void silentHostIsDroppedAfterKeepAliveTimeout() throws Exception {
    try (RawHost h = new RawHost(target.port())) {
      h.send(new IcReqPdu(0, 0, false, false, 0));
      h.next(IcRespPdu.class);
      Cqe c = h.command(NvmeCommands.connect(0, 32, 200), 1,
          NvmeCommands.connectData(ByteBufAllocator.DEFAULT, hostId, 0xFFFF, NQN, HOST));
      assertTrue(c.ok());
      assertEquals(1, target.subsystem(NQN).controllerCount());
      assertEquals("closed", h.received.poll(30, java.util.concurrent.TimeUnit.SECONDS));
      for (int i = 0; i < 1000 && target.subsystem(NQN).controllerCount() > 0; i++) {
        Thread.sleep(10);
      }
      assertEquals(0, target.subsystem(NQN).controllerCount());
    }
  }
}
