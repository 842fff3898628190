package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.CapsuleCommandPdu;
import io.bmagent.card.soft.nvmetcp.CapsuleResponsePdu;
import io.bmagent.card.soft.nvmetcp.Cqe;
import io.bmagent.card.soft.nvmetcp.IcReqPdu;
import io.bmagent.card.soft.nvmetcp.IcRespPdu;
import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.NvmeCommands;
import io.bmagent.card.soft.nvmetcp.NvmeTcpController;
import io.bmagent.card.soft.nvmetcp.NvmeTcpControllerConfig;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Get / Set Features for every feature an NVMe I/O controller must have, and the Error Information, SMART / Health
 * and Firmware Slot log pages, read over NVMe/TCP from the lab target and checked byte for byte against the layouts
 * of NVMe Base 2.0 (5.15, 5.16.1.2-4, 5.27.1; the figures are named beside each check).
 */
@Timeout(120)
class FeaturesAndLogPagesTest {
  static final String NQN = "nqn.2024-01.io.bmagent:lab-features";
  static final String HOST = "nqn.2014-08.org.nvmexpress:uuid:features-host";
  static final int BLOCK = 4096;
  static final long KATO = 5000;
  final UUID hostId = UUID.randomUUID();
  NvmeTcpTarget target;
  Subsystem subsystem;
  int cid = 10;

  @BeforeEach
  void start() throws Exception {
    target = new NvmeTcpTarget(new TargetOptions().threads(1).mdts(8));
    subsystem = target.addSubsystem(NQN);
    subsystem.addMemoryNamespace(8L << 20, BLOCK);
    target.start();
  }

  @AfterEach
  void stop() throws Exception {
    target.close();
  }

  private Cqe command(RawHost h, Sqe sqe) throws InterruptedException {
    return command(h, sqe, null);
  }

  private Cqe command(RawHost h, Sqe sqe, ByteBuf inCapsule) throws InterruptedException {
    return h.command(sqe, cid++, inCapsule);
  }

  private ByteBuf readData(RawHost h, Sqe sqe, int len) throws InterruptedException {
    return h.readData(sqe, cid++, len);
  }

  private ByteBuf logPage(RawHost h, int lid, int bytes, long offset, boolean rae) throws InterruptedException {
    return readData(h, NvmeCommands.getLogPage(lid, 0xFFFFFFFFL, bytes, offset, rae), bytes);
  }

  private Cqe logPageError(RawHost h, int lid, long nsid, int bytes, long offset) throws InterruptedException {
    return command(h, NvmeCommands.getLogPage(lid, nsid, bytes, offset, true).sgl(Sqe.SGL_TRANSPORT, 0, bytes));
  }

  /** ICReq, Connect and, on the admin queue, CC.EN; returns the controller ID. */
  private int connect(RawHost h, int qid, int cntlid) throws InterruptedException {
    h.send(new IcReqPdu(0, 0, false, false, 0));
    h.next(IcRespPdu.class);
    ByteBuf data = NvmeCommands.connectData(ByteBufAllocator.DEFAULT, hostId, cntlid, NQN, HOST);
    Cqe cqe = command(h, NvmeCommands.connect(qid, 32, KATO), data);
    assertTrue(cqe.ok(), "connect status " + cqe);
    if (qid == 0) {
      assertTrue(command(h, NvmeCommands.propertySet(Nvme.PROP_CC, 0x460001, false)).ok());
    }
    return (int) (cqe.dw0() & 0xffff);
  }

  private long get(RawHost h, int fid, int sel, long cdw11, long nsid) throws InterruptedException {
    Cqe cqe = command(h, NvmeCommands.getFeatures(fid, sel, cdw11, nsid));
    assertTrue(cqe.ok(), "Get Features " + fid + " SEL " + sel + ": " + cqe);
    return cqe.dw0();
  }

  private long current(RawHost h, int fid) throws InterruptedException {
    return get(h, fid, Nvme.SEL_CURRENT, 0, 0);
  }

  private void set(RawHost h, int fid, long cdw11, long nsid) throws InterruptedException {
    Cqe cqe = command(h, NvmeCommands.setFeatures(fid, cdw11, nsid));
    assertTrue(cqe.ok(), "Set Features " + fid + ": " + cqe);
  }

  private static void assertStatus(int sct, int sc, Cqe cqe) {
    assertEquals(sct, cqe.sct(), cqe.toString());
    assertEquals(sc, cqe.sc(), cqe.toString());
    assertTrue(cqe.dnr(), "no use retrying: " + cqe);
  }

  private static void assertZero(ByteBuf b, int from, int to) {
    for (int i = from; i < to; i++) {
      assertEquals(0, b.getByte(i), "byte " + i + " is reserved or unused");
    }
  }

  /** 128-bit little-endian counter of the SMART log whose upper 64 bits must be zero here. */
  private static long counter(ByteBuf smart, int off) {
    assertEquals(0, smart.getLongLE(off + 8), "upper half of the counter at " + off);
    return smart.getLongLE(off);
  }

  private static final int TEMP_UNDER = 1 << 20; // THSEL 01b, under temperature threshold
  private static final int TEMP_ALL_SENSORS = 0xF << 16; // TMPSEL 1111b

  @Test
  void everyMandatoryFeatureAnswersEachSelect() throws Exception {
    try (RawHost h = new RawHost(target.port())) {
      connect(h, 0, 0xFFFF);
      long[][] expected = {
          // FID, CDW11 (selector), current = default, supported capabilities (bit 2 changeable, bit 1 per NS)
          {Nvme.FID_ARBITRATION, 0, 7, 4},                    // AB 111b: no burst limit
          {Nvme.FID_POWER_MANAGEMENT, 0, 0, 4},               // PS 0, WH 0
          {Nvme.FID_TEMPERATURE_THRESHOLD, 0, 343, 4},        // composite, over: WCTEMP
          {Nvme.FID_TEMPERATURE_THRESHOLD, TEMP_UNDER, TEMP_UNDER, 4}, // composite, under: 0 K
          {Nvme.FID_VOLATILE_WRITE_CACHE, 0, 1, 4},           // WCE, as Identify VWC reports a cache
          {Nvme.FID_NUMBER_OF_QUEUES, 0, 0x000F000F, 4},      // NCQA/NSQA 0's based: 16 each
          {Nvme.FID_INTERRUPT_COALESCING, 0, 0, 4},           // THR 0, TIME 0
          {Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, 0, 1 << 16, 4}, // IV 0 (admin): CD set
          {Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, 3, 3, 4}, // IV 3: coalescing allowed
          {Nvme.FID_WRITE_ATOMICITY_NORMAL, 0, 0, 4},         // DN 0
          {Nvme.FID_ASYNC_EVENT_CONFIGURATION, 0, 0, 4},      // no notices enabled
          {Nvme.FID_KEEP_ALIVE_TIMER, 0, KATO, 4},            // KATO from Connect, ms
      };
      for (long[] f : expected) {
        int fid = (int) f[0];
        for (int sel : new int[] {Nvme.SEL_CURRENT, Nvme.SEL_DEFAULT, Nvme.SEL_SAVED}) {
          assertEquals(f[2], get(h, fid, sel, f[1], 0), "FID " + fid + " SEL " + sel);
        }
        assertEquals(f[3], get(h, fid, Nvme.SEL_SUPPORTED_CAPABILITIES, f[1], 0), "FID " + fid);
        assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
            command(h, NvmeCommands.getFeatures(fid, 4, f[1], 0))); // SEL 100b is reserved
      }
      // Error Recovery is per namespace: an active NSID, not FFFFFFFFh, and not an inactive one.
      assertEquals(0, get(h, Nvme.FID_ERROR_RECOVERY, Nvme.SEL_CURRENT, 0, 1));
      assertEquals(0, get(h, Nvme.FID_ERROR_RECOVERY, Nvme.SEL_DEFAULT, 0, 1));
      assertEquals(6, get(h, Nvme.FID_ERROR_RECOVERY, Nvme.SEL_SUPPORTED_CAPABILITIES, 0, 1));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE,
          command(h, NvmeCommands.getFeatures(Nvme.FID_ERROR_RECOVERY, 0, 0, 0xFFFFFFFFL)));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.getFeatures(Nvme.FID_ERROR_RECOVERY, 0, 0, 2)));
      // Only the Composite Temperature sensor exists; THSEL 10b is reserved.
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.getFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, 0, 1 << 16, 0)));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.getFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, 0, 2 << 20, 0)));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.getFeatures(Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, 0, 17, 0)));
      // Features this controller does not have: LBA Range Type, APST, Host Memory Buffer, Host Identifier.
      for (int fid : new int[] {0x03, 0x0C, 0x0D, 0x81}) {
        assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD, command(h, NvmeCommands.getFeatures(fid, 0, 0, 0)));
        assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD, command(h, NvmeCommands.setFeatures(fid, 0, 0)));
      }
    }
  }

  @Test
  void setFeaturesChangeOnlyThisControllerAndKeepTheirDefaults() throws Exception {
    try (RawHost h = new RawHost(target.port()); RawHost other = new RawHost(target.port())) {
      int cntlid = connect(h, 0, 0xFFFF);
      connect(other, 0, 0xFFFF);
      set(h, Nvme.FID_ARBITRATION, 0x04030201L, 0); // HPW 4, MPW 3, LPW 2, AB 1
      assertEquals(0x04030201L, current(h, Nvme.FID_ARBITRATION));
      assertEquals(7, get(h, Nvme.FID_ARBITRATION, Nvme.SEL_DEFAULT, 0, 0));
      assertEquals(7, get(h, Nvme.FID_ARBITRATION, Nvme.SEL_SAVED, 0, 0), "nothing is saveable: saved = default");

      set(h, Nvme.FID_TEMPERATURE_THRESHOLD, 350, 0);
      set(h, Nvme.FID_TEMPERATURE_THRESHOLD, TEMP_UNDER | 273, 0);
      assertEquals(350, current(h, Nvme.FID_TEMPERATURE_THRESHOLD));
      assertEquals(TEMP_UNDER | 273, get(h, Nvme.FID_TEMPERATURE_THRESHOLD, Nvme.SEL_CURRENT, TEMP_UNDER, 0));
      assertEquals(343, get(h, Nvme.FID_TEMPERATURE_THRESHOLD, Nvme.SEL_DEFAULT, 0, 0));
      set(h, Nvme.FID_TEMPERATURE_THRESHOLD, TEMP_ALL_SENSORS | 345, 0); // every sensor: the composite one
      assertEquals(345, current(h, Nvme.FID_TEMPERATURE_THRESHOLD));

      set(h, Nvme.FID_ERROR_RECOVERY, 20, 1); // TLER 2 s
      assertEquals(20, get(h, Nvme.FID_ERROR_RECOVERY, Nvme.SEL_CURRENT, 0, 1));
      set(h, Nvme.FID_ERROR_RECOVERY, 30, 0xFFFFFFFFL);
      assertEquals(30, get(h, Nvme.FID_ERROR_RECOVERY, Nvme.SEL_CURRENT, 0, 1));
      set(h, Nvme.FID_VOLATILE_WRITE_CACHE, 0, 0);
      assertEquals(0, current(h, Nvme.FID_VOLATILE_WRITE_CACHE));
      assertEquals(1, get(h, Nvme.FID_VOLATILE_WRITE_CACHE, Nvme.SEL_DEFAULT, 0, 0));
      set(h, Nvme.FID_INTERRUPT_COALESCING, 0x0A05, 0);
      assertEquals(0x0A05, current(h, Nvme.FID_INTERRUPT_COALESCING));
      set(h, Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, (1 << 16) | 2, 0);
      assertEquals((1 << 16) | 2, get(h, Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, Nvme.SEL_CURRENT, 2, 0));
      set(h, Nvme.FID_WRITE_ATOMICITY_NORMAL, 1, 0);
      assertEquals(1, current(h, Nvme.FID_WRITE_ATOMICITY_NORMAL));
      set(h, Nvme.FID_ASYNC_EVENT_CONFIGURATION, 0x02, 0);
      assertEquals(0x02, current(h, Nvme.FID_ASYNC_EVENT_CONFIGURATION));
      set(h, Nvme.FID_KEEP_ALIVE_TIMER, 8000, 0);
      assertEquals(8000, current(h, Nvme.FID_KEEP_ALIVE_TIMER));
      assertEquals(KATO, get(h, Nvme.FID_KEEP_ALIVE_TIMER, Nvme.SEL_DEFAULT, 0, 0));
      Cqe q = command(h, NvmeCommands.setNumberOfQueues(2));
      assertEquals(0x00010001L, q.dw0());
      assertEquals(0x00010001L, current(h, Nvme.FID_NUMBER_OF_QUEUES));
      assertEquals(0x000F000FL, get(h, Nvme.FID_NUMBER_OF_QUEUES, Nvme.SEL_DEFAULT, 0, 0));

      // What the specification refuses.
      assertStatus(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_FEATURE_NOT_SAVEABLE,
          command(h, NvmeCommands.setFeatures(Nvme.FID_ARBITRATION, 0, 0).cdw(10, Nvme.FID_ARBITRATION | 1L << 31)));
      assertStatus(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_FEATURE_NOT_NAMESPACE_SPECIFIC,
          command(h, NvmeCommands.setFeatures(Nvme.FID_ARBITRATION, 0, 1)));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.setFeatures(Nvme.FID_POWER_MANAGEMENT, 1, 0))); // NPSS 0: no PS 1
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.setFeatures(Nvme.FID_ERROR_RECOVERY, 1 << 16, 1))); // DULBE unsupported
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.setFeatures(Nvme.FID_ASYNC_EVENT_CONFIGURATION, 1 << 8, 0))); // OAES is 0
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.setFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, (3 << 16) | 300, 0)));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD,
          command(h, NvmeCommands.setFeatures(Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, 0, 0))); // admin: CD 1
      assertEquals(0x04030201L, current(h, Nvme.FID_ARBITRATION), "a refused Set Features changes nothing");

      // Another controller of the same subsystem keeps its defaults.
      assertEquals(7, current(other, Nvme.FID_ARBITRATION));
      assertEquals(343, current(other, Nvme.FID_TEMPERATURE_THRESHOLD));
      assertEquals(1, current(other, Nvme.FID_VOLATILE_WRITE_CACHE));
      assertEquals(0, get(other, Nvme.FID_ERROR_RECOVERY, Nvme.SEL_CURRENT, 0, 1));

      // Once an I/O queue exists, the number of queues is fixed.
      try (RawHost io = new RawHost(target.port())) {
        connect(io, 1, cntlid);
        assertStatus(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR, command(h, NvmeCommands.setNumberOfQueues(1)));
      }
    }
  }

  @Test
  void identifyFirmwareSlotAndSmartLayouts() throws Exception {
    try (RawHost h = new RawHost(target.port())) {
      connect(h, 0, 0xFFFF);
      ByteBuf id = readData(h, NvmeCommands.identify(Nvme.CNS_CONTROLLER, 0), 4096);
      // Figure "Identify Controller Data Structure".
      assertEquals("1.0     ", id.toString(64, 8, StandardCharsets.US_ASCII)); // FR
      assertEquals(3, id.getByte(259));                    // AERL: 4 requests
      assertEquals(0x03, id.getByte(260));                 // FRMW: 1 slot, slot 1 read-only
      assertEquals(0x04, id.getByte(261));                 // LPA: extended data only
      assertEquals(63, id.getByte(262));                   // ELPE: 64 entries
      assertEquals(0, id.getByte(263));                    // NPSS: one power state
      assertEquals(343, id.getUnsignedShortLE(266));       // WCTEMP
      assertEquals(358, id.getUnsignedShortLE(268));       // CCTEMP
      assertEquals(0, id.getIntLE(92));                    // OAES: no notices, so no Changed Namespace List
      assertNotEquals(0, id.getUnsignedShortLE(520) & (1 << 4)); // ONCS: Save / Select
      assertEquals(1, id.getByte(525) & 1);                // VWC present
      assertEquals(2500, id.getUnsignedShortLE(2048));     // PSD0 MP, centiwatts
      assertEquals(0, id.getByte(2051) & 3);               // PSD0 MXPS 0, NOPS 0 (operational)
      assertZero(id, 2048 + 32, 3072);                     // PSD1..31 absent
      id.release();

      // Figure "Firmware Slot Information Log": AFI 1, FRS1 equal to FR, FRS2..7 and the rest zero.
      ByteBuf fw = logPage(h, Nvme.LID_FIRMWARE_SLOT, 512, 0, false);
      assertEquals(0x01, fw.getByte(0));
      assertZero(fw, 1, 8);
      assertEquals("1.0     ", fw.toString(8, 8, StandardCharsets.US_ASCII));
      assertZero(fw, 16, 512);
      fw.release();

      // Figure "SMART / Health Information Log Page" of a fresh subsystem: powered on once, nothing done yet.
      ByteBuf smart = logPage(h, Nvme.LID_SMART_HEALTH, 512, 0, false);
      assertEquals(0, smart.getByte(0));                   // Critical Warning
      assertEquals(313, smart.getUnsignedShortLE(1));      // Composite Temperature, K
      assertEquals(100, smart.getByte(3));                 // Available Spare
      assertEquals(10, smart.getByte(4));                  // Available Spare Threshold
      assertEquals(0, smart.getByte(5));                   // Percentage Used
      assertZero(smart, 6, 32);
      for (int off = 32; off < 112; off += 16) {
        assertEquals(0, counter(smart, off), "counter at " + off); // data units, host commands
      }
      assertEquals(0, counter(smart, 96));                 // Controller Busy Time
      assertEquals(1, counter(smart, 112));                // Power Cycles
      assertEquals(0, counter(smart, 128));                // Power On Hours
      assertEquals(0, counter(smart, 144));                // Unsafe Shutdowns
      assertEquals(0, counter(smart, 160));                // Media and Data Integrity Errors
      assertEquals(0, counter(smart, 176));                // Number of Error Information Log Entries
      assertZero(smart, 192, 512);                         // temperature times, sensors (none), reserved

      // LPOL/LPOU is a byte offset; bytes past the page read as zero; NUMDU carries dwords beyond 64 Ki.
      ByteBuf part = logPage(h, Nvme.LID_SMART_HEALTH, 16, 112, false);
      assertEquals(1, part.getLongLE(0));
      part.release();
      ByteBuf longer = logPage(h, Nvme.LID_SMART_HEALTH, 1024, 0, false);
      assertEquals(smart, longer.slice(0, 512));
      assertZero(longer, 512, 1024);
      longer.release();
      smart.release();
      int big = (1 << 18) + 4; // 65,537 dwords: NUMDU 1, NUMDL 0
      ByteBuf errors = logPage(h, Nvme.LID_ERROR_INFORMATION, big, 0, false);
      assertZero(errors, 0, big);
      errors.release();
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD, logPageError(h, Nvme.LID_SMART_HEALTH, -1, 16, 2));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD, logPageError(h, Nvme.LID_SMART_HEALTH, -1, 16, 512));
      assertStatus(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD, logPageError(h, Nvme.LID_SMART_HEALTH, 1, 512, 0));
      // Supported Log Pages (2.0), Changed Namespace List (no OAES), Commands Supported and Effects (LPA bit 1).
      for (int lid : new int[] {0x00, 0x04, 0x05}) {
        assertStatus(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_INVALID_LOG_PAGE, logPageError(h, lid, -1, 512, 0));
      }
    }
  }

  @Test
  void errorInformationEntriesComeFromTheControllersOwnErrorsNewestFirst() throws Exception {
    try (RawHost admin = new RawHost(target.port()); RawHost io = new RawHost(target.port())) {
      int cntlid = connect(admin, 0, 0xFFFF);
      connect(io, 1, cntlid);
      Cqe noFeature = command(admin, NvmeCommands.getFeatures(0x03, 0, 0, 0));
      Cqe outOfRange = command(io, NvmeCommands.read(1, 2048, 1).sgl(Sqe.SGL_TRANSPORT, 0, BLOCK));
      assertEquals(Nvme.SC_LBA_OUT_OF_RANGE, outOfRange.sc());

      ByteBuf log = logPage(admin, Nvme.LID_ERROR_INFORMATION, 4096, 0, false);
      // Figure "Error Information Log Entry", entry 0 the newest.
      assertEquals(2, log.getLongLE(0));                   // 07:00 Error Count
      assertEquals(1, log.getUnsignedShortLE(8));          // 09:08 SQID
      assertEquals(outOfRange.cid(), log.getUnsignedShortLE(10)); // 11:10 CID
      assertEquals(outOfRange.status(), log.getUnsignedShortLE(12)); // 13:12 Status Field, phase 0
      assertEquals(0xFFFF, log.getUnsignedShortLE(14));    // 15:14 Parameter Error Location
      assertEquals(2048, log.getLongLE(16));               // 23:16 LBA
      assertEquals(1, log.getIntLE(24));                   // 27:24 Namespace
      assertEquals(0, log.getByte(28));                    // 28 VS information: none
      assertEquals(Nvme.TRTYPE_TCP, log.getByte(29));      // 29 Transport Type
      assertZero(log, 30, 64);
      assertEquals(1, log.getLongLE(64));
      assertEquals(0, log.getUnsignedShortLE(64 + 8));     // admin queue
      assertEquals(noFeature.cid(), log.getUnsignedShortLE(64 + 10));
      assertEquals(noFeature.status(), log.getUnsignedShortLE(64 + 12));
      assertEquals(0, log.getLongLE(64 + 16));             // no LBA in Get Features
      assertZero(log, 128, 4096);                          // entries 2..63 unused
      log.release();
      ByteBuf smart = logPage(admin, Nvme.LID_SMART_HEALTH, 512, 0, false);
      assertEquals(2, counter(smart, 176));                // Number of Error Information Log Entries
      smart.release();

      // Only the 64 newest are kept.
      for (int i = 0; i < 70; i++) {
        command(admin, NvmeCommands.getFeatures(0x03, 0, 0, 0));
      }
      ByteBuf full = logPage(admin, Nvme.LID_ERROR_INFORMATION, 4096, 0, false);
      for (int e = 0; e < 64; e++) {
        assertEquals(72 - e, full.getLongLE(e * 64), "entry " + e);
      }
      full.release();
    }
  }

  @Test
  void smartCountersMoveWithIoFromTheInitiator() throws Exception {
    NvmeTcpControllerConfig config = new NvmeTcpControllerConfig("127.0.0.1", target.port(), NQN, HOST)
        .ioQueues(2).queueDepth(16).keepAliveTimeoutMillis(5000).commandTimeoutMillis(10_000);
    try (NvmeTcpController c = new NvmeTcpController(config)) {
      c.connect().join();
      for (int i = 0; i < 3; i++) {
        ByteBuf src = Unpooled.buffer(100 * BLOCK).writeZero(100 * BLOCK);
        c.write(1, i * 100L, 100, src).join();
        src.release();
      }
      ByteBuf dst = Unpooled.buffer();
      c.read(1, 0, 1, dst).join();
      dst.release();
    }
    // The initiator shut its controller down (CC.SHN): that is no unsafe shutdown.
    awaitNoControllers();
    try (RawHost h = new RawHost(target.port())) {
      connect(h, 0, 0xFFFF);
      ByteBuf smart = logPage(h, Nvme.LID_SMART_HEALTH, 512, 0, false);
      // 300 blocks of 4 KiB written are 2,400 units of 512 bytes, 3 thousands rounded up; one block read is 8.
      assertEquals(1, counter(smart, 32));                 // Data Units Read
      assertEquals(3, counter(smart, 48));                 // Data Units Written
      assertEquals(1, counter(smart, 64));                 // Host Read Commands
      assertEquals(3, counter(smart, 80));                 // Host Write Commands
      assertEquals(0, counter(smart, 96));                 // Controller Busy Time: well under a minute
      assertEquals(0, counter(smart, 144));                // Unsafe Shutdowns
      smart.release();
    }
    // That raw host went away without CC.SHN: one unsafe shutdown. A restart is a power cycle.
    awaitNoControllers();
    target.stop();
    target.start();
    try (RawHost h = new RawHost(target.port())) {
      connect(h, 0, 0xFFFF);
      ByteBuf smart = logPage(h, Nvme.LID_SMART_HEALTH, 512, 0, false);
      assertEquals(1, counter(smart, 144));
      assertEquals(2, counter(smart, 112));
      assertEquals(3, counter(smart, 48), "counters survive the restart");
      smart.release();
    }
  }

  private void awaitNoControllers() throws InterruptedException {
    for (int i = 0; i < 1000 && subsystem.controllerCount() > 0; i++) {
      Thread.sleep(10);
    }
    assertEquals(0, subsystem.controllerCount());
  }

  /** Expects the next response to be the given command's, with no event completion before it. */
  private void expectOnly(RawHost h, Sqe sqe) throws InterruptedException {
    h.send(new CapsuleCommandPdu(sqe.cid(cid++), null));
    Cqe cqe = h.next(CapsuleResponsePdu.class).cqe();
    assertEquals(sqe.cid(), cqe.cid(), "an event completed where none was due: " + cqe);
    assertTrue(cqe.ok(), cqe.toString());
  }

  @Test
  void temperatureOverThresholdCompletesAnEventRequestUntilTheLogIsReadWithRaeCleared() throws Exception {
    try (RawHost h = new RawHost(target.port())) {
      connect(h, 0, 0xFFFF);
      set(h, Nvme.FID_ASYNC_EVENT_CONFIGURATION, LogPages.CRITICAL_WARNING_TEMPERATURE, 0);
      int aer = cid++;
      h.send(new CapsuleCommandPdu(NvmeCommands.asyncEventRequest().cid(aer), null));
      expectOnly(h, NvmeCommands.setFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, 300, 0)); // 313 K is over 300 K
      Cqe event = h.next(CapsuleResponsePdu.class).cqe();
      assertEquals(aer, event.cid());
      // Figure "Asynchronous Event Request – Completion Queue Entry Dword 0": type 001b SMART / Health,
      // information 01h temperature threshold, log page 02h.
      assertEquals(0x00020101L, event.dw0());

      ByteBuf smart = logPage(h, Nvme.LID_SMART_HEALTH, 512, 0, true); // RAE set: the event stays masked
      assertEquals(LogPages.CRITICAL_WARNING_TEMPERATURE, smart.getByte(0));
      smart.release();
      int aer2 = cid++;
      h.send(new CapsuleCommandPdu(NvmeCommands.asyncEventRequest().cid(aer2), null));
      expectOnly(h, NvmeCommands.setFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, 343, 0));
      expectOnly(h, NvmeCommands.setFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, 300, 0));
      expectOnly(h, NvmeCommands.keepAlive());

      logPage(h, Nvme.LID_SMART_HEALTH, 512, 0, false).release(); // RAE clear: events again
      expectOnly(h, NvmeCommands.setFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, 343, 0));
      expectOnly(h, NvmeCommands.setFeatures(Nvme.FID_TEMPERATURE_THRESHOLD, TEMP_UNDER | 320, 0)); // under
      Cqe again = h.next(CapsuleResponsePdu.class).cqe();
      assertEquals(aer2, again.cid());
      assertEquals(0x00020101L, again.dw0());

      // AERL 3: a fifth outstanding request is refused.
      for (int i = 0; i < 4; i++) {
        h.send(new CapsuleCommandPdu(NvmeCommands.asyncEventRequest().cid(cid++), null));
      }
      assertStatus(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_ASYNC_EVENT_LIMIT_EXCEEDED,
          command(h, NvmeCommands.asyncEventRequest()));
    }
  }
}
