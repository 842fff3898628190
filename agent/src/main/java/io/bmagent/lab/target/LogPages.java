package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Get Log Page (NVMe Base 2.0, 5.16) for the log pages a version 1.3 I/O controller must have: Error Information,
 * SMART / Health Information and Firmware Slot Information. Supported Log Pages is a 2.0 page and Changed Namespace
 * List goes with the Namespace Attribute Notices that OAES does not announce, so neither exists here.
 */
final class LogPages {
  static final int SMART_SIZE = 512;
  static final int FIRMWARE_SLOT_SIZE = 512;
  /** SMART Critical Warning bit 1, also the matching Asynchronous Event Configuration bit. */
  static final int CRITICAL_WARNING_TEMPERATURE = 1 << 1;
  static final int AVAILABLE_SPARE = 100;
  static final int AVAILABLE_SPARE_THRESHOLD = 10;
  private static final long ALL_NAMESPACES = 0xFFFFFFFFL;

  private LogPages() {
  }

  /**
   * CDW10: LID (7:0), RAE (15), NUMDL (31:16); CDW11: NUMDU (15:0); CDW12/13: LPOL/LPOU, a byte offset that must
   * be dword aligned and inside the page. Bytes past the end of the page read as zero.
   */
  static Completion execute(ByteBufAllocator alloc, TargetController c, Sqe sqe) {
    long cdw10 = sqe.cdw(10);
    int lid = (int) (cdw10 & 0xff);
    boolean retainEvent = (cdw10 & (1 << 15)) != 0;
    long length = (((sqe.cdw(11) & 0xffff) << 16 | (cdw10 >>> 16)) + 1) * 4;
    long offset = sqe.cdw(13) << 32 | sqe.cdw(12);
    if (length > sqe.sglLength()) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_DATA_SGL_LENGTH_INVALID);
    }
    ByteBuf page = switch (lid) {
      case Nvme.LID_ERROR_INFORMATION -> errorInformation(alloc, c);
      // LPA bit 0 is clear: the page is for the whole controller, asked for with NSID 0 or FFFFFFFFh.
      case Nvme.LID_SMART_HEALTH -> sqe.nsid() == 0 || sqe.nsid() == ALL_NAMESPACES ? smartHealth(alloc, c) : null;
      case Nvme.LID_FIRMWARE_SLOT -> firmwareSlot(alloc);
      default -> null;
    };
    if (page == null) {
      return lid == Nvme.LID_SMART_HEALTH ? Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD)
          : Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_INVALID_LOG_PAGE);
    }
    try {
      if ((offset & 3) != 0 || offset >= page.readableBytes()) {
        return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD);
      }
      int n = (int) Math.min(length, page.readableBytes() - offset);
      ByteBuf out = alloc.buffer((int) length).writeBytes(page, (int) offset, n).writeZero((int) length - n);
      if (lid == Nvme.LID_SMART_HEALTH) {
        c.healthLogRead(retainEvent);
      }
      return Completion.data(out);
    } finally {
      page.release();
    }
  }

  /** ELPE + 1 entries of 64 bytes (figure "Error Information Log Entry"). */
  static ByteBuf errorInformation(ByteBufAllocator alloc, TargetController c) {
    int size = ErrorLog.ENTRIES * ErrorLog.ENTRY_SIZE;
    ByteBuf b = alloc.buffer(size).writeZero(size);
    c.errors().write(b);
    return b;
  }

  /** Figure "SMART / Health Information Log Page"; counters are 128-bit little-endian, our values fit in 64. */
  static ByteBuf smartHealth(ByteBufAllocator alloc, TargetController c) {
    HealthCounters h = c.subsystem().health();
    ByteBuf b = alloc.buffer(SMART_SIZE).writeZero(SMART_SIZE);
    b.setByte(0, c.features().temperatureWarning() ? CRITICAL_WARNING_TEMPERATURE : 0); // Critical Warning
    b.setShortLE(1, Features.COMPOSITE_KELVIN);     // 02:01 Composite Temperature, Kelvin
    b.setByte(3, AVAILABLE_SPARE);                  // Available Spare, %
    b.setByte(4, AVAILABLE_SPARE_THRESHOLD);        // Available Spare Threshold, %
    b.setByte(5, 0);                                // Percentage Used: memory and files do not wear
    b.setLongLE(32, dataUnits(h.bytesRead()));      // 47:32 Data Units Read
    b.setLongLE(48, dataUnits(h.bytesWritten()));   // 63:48 Data Units Written
    b.setLongLE(64, h.readCommands());              // 79:64 Host Read Commands
    b.setLongLE(80, h.writeCommands());             // 95:80 Host Write Commands
    b.setLongLE(96, h.busyMinutes());               // 111:96 Controller Busy Time, minutes
    b.setLongLE(112, h.powerCycles());              // 127:112 Power Cycles
    b.setLongLE(128, h.powerOnHours());             // 143:128 Power On Hours
    b.setLongLE(144, h.unsafeShutdowns());          // 159:144 Unsafe Shutdowns
    b.setLongLE(160, h.mediaErrors());              // 175:160 Media and Data Integrity Errors
    b.setLongLE(176, c.errors().count());           // 191:176 Number of Error Information Log Entries
    // 195:192 and 199:196, minutes over WCTEMP and CCTEMP, stay 0: the composite temperature is below both.
    return b;
  }

  /** Thousands of 512-byte units, rounded up: 1 means 1 to 1,000 units (Data Units Read). */
  static long dataUnits(long bytes) {
    long units = (bytes + 511) / 512;
    return (units + 999) / 1000;
  }

  /** Figure "Firmware Slot Information Log": AFI slot 1 active, FRS1 the revision Identify reports in FR. */
  static ByteBuf firmwareSlot(ByteBufAllocator alloc) {
    ByteBuf b = alloc.buffer(FIRMWARE_SLOT_SIZE).writeZero(FIRMWARE_SLOT_SIZE);
    b.setByte(0, 1);                                // AFI: active slot 1 (2:0), no slot for next reset (6:4)
    byte[] fr = IdentifyPages.FIRMWARE.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < 8; i++) {
      b.setByte(8 + i, i < fr.length ? fr[i] : ' '); // 15:8 FRS1; FRS2..FRS7 (63:16) are empty slots
    }
    return b;
  }
}
