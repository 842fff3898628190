package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.Sqe;
import io.netty.buffer.ByteBufAllocator;

/** Executes admin queue commands, fabrics Property Get/Set included, for one controller. */
final class AdminCommands {
  private AdminCommands() {
  }

  /** Returns null for an Asynchronous Event Request, which stays outstanding until teardown. */
  static Completion execute(ByteBufAllocator alloc, TargetController c, TargetOptions o, Sqe sqe) {
    if (sqe.opcode() == Nvme.FABRICS) {
      return fabrics(c, sqe);
    }
    if (!c.ready()) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR);
    }
    return switch (sqe.opcode()) {
      case Nvme.ADMIN_IDENTIFY -> identify(alloc, c, o, sqe);
      case Nvme.ADMIN_SET_FEATURES -> c.features().set(sqe, c::checkHealth);
      case Nvme.ADMIN_GET_FEATURES -> c.features().get(sqe);
      case Nvme.ADMIN_KEEP_ALIVE -> {
        c.keepAlive();
        yield Completion.OK;
      }
      case Nvme.ADMIN_ASYNC_EVENT -> null;
      case Nvme.ADMIN_ABORT -> Completion.ok(1); // DW0 bit 0: command not aborted
      case Nvme.ADMIN_GET_LOG_PAGE -> LogPages.execute(alloc, c, sqe);
      default -> Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_OPCODE);
    };
  }

  private static Completion fabrics(TargetController c, Sqe sqe) {
    boolean eight = (sqe.u8(40) & 7) == 1;
    int offset = (int) sqe.u32(44);
    return switch (sqe.fctype()) {
      case Nvme.FCTYPE_PROPERTY_GET -> {
        long v = c.property(offset);
        boolean wide = offset == Nvme.PROP_CAP;
        yield v < 0 || wide != eight ? Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD)
            : Completion.ok(v);
      }
      case Nvme.FCTYPE_PROPERTY_SET -> c.setProperty(offset, sqe.u64(48)) ? Completion.OK
          : Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD);
      case Nvme.FCTYPE_CONNECT -> Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR);
      default -> Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_OPCODE);
    };
  }

  private static Completion identify(ByteBufAllocator alloc, TargetController c, TargetOptions o, Sqe sqe) {
    Subsystem s = c.subsystem();
    long nsid = sqe.nsid();
    return switch ((int) (sqe.cdw(10) & 0xff)) {
      case Nvme.CNS_CONTROLLER -> Completion.data(IdentifyPages.controller(alloc, c, o));
      case Nvme.CNS_NAMESPACE -> nsid == 0 || nsid > Subsystem.MAX_NAMESPACES
          ? Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE)
          : Completion.data(IdentifyPages.namespace(alloc, s.namespace((int) nsid)));
      case Nvme.CNS_ACTIVE_NSIDS -> nsid >= 0xFFFFFFFEL
          ? Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE)
          : Completion.data(IdentifyPages.activeNamespaces(alloc, s, nsid));
      case Nvme.CNS_NS_DESCRIPTORS -> {
        Namespace ns = nsid > Subsystem.MAX_NAMESPACES ? null : s.namespace((int) nsid);
        yield ns == null ? Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE)
            : Completion.data(IdentifyPages.descriptors(alloc, ns));
      }
      // Linux asks for the NVM command set's controller data (CSI 0 in CDW11 bits 31:24)
      // during init; all zeroes means no extra limits (NVM Command Set 1.0, 4.1.2).
      case Nvme.CNS_CSI_CONTROLLER -> (sqe.cdw(11) >>> 24) == 0
          ? Completion.data(alloc.buffer(Nvme.IDENTIFY_SIZE).writeZero(Nvme.IDENTIFY_SIZE))
          : Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD);
      default -> Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD);
    };
  }
}
