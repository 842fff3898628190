package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/** Builds Identify data structures (NVMe Base 1.4, 5.15.2) with the fields a Linux host reads. */
final class IdentifyPages {
  static final String MODEL = "bm-agent lab NVMe/TCP target";
  static final String FIRMWARE = "1.0";
  /** Offset of Power State Descriptor 0 in Identify Controller. */
  static final int POWER_STATE_0 = 2048;

  private IdentifyPages() {
  }

  /** Identify Controller, CNS 01h (Figure 247). */
  static ByteBuf controller(ByteBufAllocator alloc, TargetController c, TargetOptions o) {
    ByteBuf b = page(alloc);
    // VID/SSVID stay 0 as on Linux nvmet: PCI vendor IDs do not apply over fabrics.
    ascii(b, 4, 20, c.subsystem().serial());
    ascii(b, 24, 40, MODEL);
    ascii(b, 64, 8, FIRMWARE);
    b.setByte(72, 6);                       // RAB
    b.setByte(76, 1 << 1);                  // CMIC: several controllers may share namespaces
    b.setByte(77, o.mdts);                  // MDTS in units of CAP.MPSMIN (4 KiB)
    b.setShortLE(78, c.cntlid());
    b.setIntLE(80, (int) TargetController.VS_1_3);
    b.setByte(111, 1);                      // CNTRLTYPE: I/O controller
    b.setByte(258, 3);                      // ACL
    b.setByte(259, 3);                      // AERL: four outstanding Asynchronous Event Requests
    b.setByte(260, (1 << 1) | 1);           // FRMW: one firmware slot (3:1), slot 1 read-only (0)
    b.setByte(261, 1 << 2);                 // LPA: extended Get Log Page data (NUMDU, LPOL/LPOU), SMART per controller
    b.setByte(262, ErrorLog.ENTRIES - 1);   // ELPE, 0's based
    b.setByte(263, 0);                      // NPSS: power state 0 only, 0's based
    b.setShortLE(266, Features.WARNING_KELVIN);  // WCTEMP
    b.setShortLE(268, Features.CRITICAL_KELVIN); // CCTEMP
    b.setShortLE(320, 10);                  // KAS: keep alive in 100 ms units is supported
    b.setByte(512, 0x66);                   // SQES: 64-byte entries
    b.setByte(513, 0x44);                   // CQES: 16-byte entries
    b.setShortLE(514, 1024);                // MAXCMD, required over fabrics
    b.setIntLE(516, Subsystem.MAX_NAMESPACES);
    // ONCS: Dataset Management, Write Zeroes, and Save / Select in Set / Get Features (bit 4).
    b.setShortLE(520, (1 << 2) | (1 << 3) | (1 << 4));
    b.setByte(525, 1);                      // VWC: volatile write cache, so hosts send Flush
    b.setByte(530, 1);                      // NVSCC
    // SGLS: SGLs supported (bits 1:0 = 01b), address as offset for in-capsule data (bit 20),
    // transport SGL data block descriptors (bit 21), as NVMe/TCP 3.3.5 requires.
    b.setIntLE(536, 1 | (1 << 20) | (1 << 21));
    b.setBytes(768, c.subsystem().nqn().getBytes(StandardCharsets.UTF_8)); // SUBNQN, NUL padded
    b.setIntLE(1792, (64 + o.inCapsuleDataSize) / 16); // IOCCSZ in 16-byte units, SQE included
    b.setIntLE(1796, 1);                    // IORCSZ: a bare 16-byte CQE
    b.setShortLE(1800, 0);                  // ICDOFF
    b.setByte(1802, 0);                     // FCATT: dynamic controller model
    b.setByte(1803, 1);                     // MSDBD: one SGL descriptor
    // Power State Descriptor 0 (figure "Power State Descriptor Data Structure"): a nominal 25 W maximum (MP, in
    // centiwatts as MXPS is 0), operational; entry and exit latencies 0, not reported.
    b.setShortLE(POWER_STATE_0, 2500);
    return b;
  }

  /** Identify Namespace, CNS 00h (NVM Command Set, Figure 245); zeroes for an inactive NSID. */
  static ByteBuf namespace(ByteBufAllocator alloc, Namespace ns) {
    ByteBuf b = page(alloc);
    if (ns == null) {
      return b;
    }
    b.setLongLE(0, ns.blocks());            // NSZE
    b.setLongLE(8, ns.blocks());            // NCAP
    b.setLongLE(16, ns.blocks());           // NUSE
    b.setByte(25, 0);                       // NLBAF: one format
    b.setByte(26, 0);                       // FLBAS: format 0, no metadata
    b.setByte(30, 1);                       // NMIC: may be attached to several controllers
    b.setByte(33, 0x01 | 0x08);             // DLFEAT: deallocated reads zero; Write Zeroes may deallocate
    b.setBytes(104, ns.nguid());            // NGUID
    b.setIntLE(128, Integer.numberOfTrailingZeros(ns.blockSize()) << 16); // LBAF0: LBADS
    return b;
  }

  /** Active Namespace ID list, CNS 02h: NSIDs greater than {@code after}, ascending. */
  static ByteBuf activeNamespaces(ByteBufAllocator alloc, Subsystem s, long after) {
    ByteBuf b = page(alloc);
    int i = 0;
    for (int nsid : s.namespaces().tailMap((int) Math.min(after, Integer.MAX_VALUE - 1), false).keySet()) {
      if (i == 1024) {
        break;
      }
      b.setIntLE(4 * i++, nsid);
    }
    return b;
  }

  /** Namespace Identification Descriptor list, CNS 03h: one NGUID descriptor (NIDT 02h). */
  static ByteBuf descriptors(ByteBufAllocator alloc, Namespace ns) {
    ByteBuf b = page(alloc);
    b.setByte(0, 2).setByte(1, 16).setBytes(4, ns.nguid());
    return b;
  }

  private static ByteBuf page(ByteBufAllocator alloc) {
    return alloc.buffer(Nvme.IDENTIFY_SIZE).writeZero(Nvme.IDENTIFY_SIZE);
  }

  /** ASCII fields are space padded, not NUL terminated (NVMe Base 1.4, 1.5). */
  private static void ascii(ByteBuf b, int off, int len, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < len; i++) {
      b.setByte(off + i, i < bytes.length ? bytes[i] : ' ');
    }
  }
}
