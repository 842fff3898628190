package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Nvme;
import io.bmagent.card.soft.nvmetcp.Sqe;

import java.util.HashMap;
import java.util.Map;

/**
 * One controller's features (NVMe Base 2.0, 5.27.1) and Get Features / Set Features over them (5.15, 5.27). Every
 * feature a controller of the dynamic model starts with its default; nothing is saveable, so Get Features with SEL
 * Saved answers the default (5.15.1), and Set Features with SV set fails with Feature Identifier Not Saveable.
 */
final class Features {
  /** Arbitration AB 111b: no limit on the commands taken from a queue at once (5.27.1.1). */
  static final long ARBITRATION_DEFAULT = 7;
  /** Composite Temperature of the controller in Kelvin: a software target has no sensor, so it reads 40 °C. */
  static final int COMPOSITE_KELVIN = 313;
  /** Identify Controller WCTEMP and CCTEMP in Kelvin (70 °C, 85 °C); WCTEMP is the default over threshold. */
  static final int WARNING_KELVIN = 343;
  static final int CRITICAL_KELVIN = 358;
  /** Asynchronous Event Configuration bits 7:0, one per SMART critical warning; OAES announces no others. */
  static final long AEC_SUPPORTED = 0xFF;
  /** Supported capabilities (figure "Get Features – Supported Capabilities"): bit 2 changeable, bit 1 per NS. */
  private static final long CHANGEABLE = 1 << 2;
  private static final long NAMESPACE_SPECIFIC = 1 << 1;
  private static final long ALL_NAMESPACES = 0xFFFFFFFFL;
  private static final Completion INVALID_FIELD = Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_FIELD);

  private final TargetController controller;
  private final TargetOptions options;
  private long arbitration = ARBITRATION_DEFAULT;
  private long powerManagement;
  private int overThreshold = WARNING_KELVIN;
  private int underThreshold;
  private final Map<Integer, Long> errorRecovery = new HashMap<>();
  private boolean volatileWriteCache = true;
  private long interruptCoalescing;
  private final Map<Integer, Long> interruptVectors = new HashMap<>();
  private boolean disableNormal;
  private long asyncEventConfig;

  Features(TargetController controller, TargetOptions options) {
    this.controller = controller;
    this.options = options;
  }

  static boolean supported(int fid) {
    return switch (fid) {
      case Nvme.FID_ARBITRATION, Nvme.FID_POWER_MANAGEMENT, Nvme.FID_TEMPERATURE_THRESHOLD, Nvme.FID_ERROR_RECOVERY,
          Nvme.FID_VOLATILE_WRITE_CACHE, Nvme.FID_NUMBER_OF_QUEUES, Nvme.FID_INTERRUPT_COALESCING,
          Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION, Nvme.FID_WRITE_ATOMICITY_NORMAL,
          Nvme.FID_ASYNC_EVENT_CONFIGURATION, Nvme.FID_KEEP_ALIVE_TIMER -> true;
      default -> false;
    };
  }

  synchronized boolean volatileWriteCache() {
    return volatileWriteCache;
  }

  synchronized long asyncEventConfig() {
    return asyncEventConfig;
  }

  /** SMART critical warning bit 1: a temperature at or over the over threshold, or at or under the under one. */
  synchronized boolean temperatureWarning() {
    return COMPOSITE_KELVIN >= overThreshold || COMPOSITE_KELVIN <= underThreshold;
  }

  synchronized Completion get(Sqe sqe) {
    int fid = (int) (sqe.cdw(10) & 0xff);
    int sel = (int) ((sqe.cdw(10) >>> 8) & 7);
    if (!supported(fid)) {
      return INVALID_FIELD;
    }
    if (fid == Nvme.FID_ERROR_RECOVERY) {
      Completion bad = checkNamespace(sqe.nsid(), false, false);
      if (bad != null) {
        return bad;
      }
    }
    return switch (sel) {
      case Nvme.SEL_CURRENT -> value(fid, sqe, false);
      case Nvme.SEL_DEFAULT, Nvme.SEL_SAVED -> value(fid, sqe, true);
      case Nvme.SEL_SUPPORTED_CAPABILITIES ->
          Completion.ok(CHANGEABLE | (fid == Nvme.FID_ERROR_RECOVERY ? NAMESPACE_SPECIFIC : 0));
      default -> INVALID_FIELD;
    };
  }

  /** Dword 0 of Get Features for {@code fid}: the current value, or the default one. */
  private Completion value(int fid, Sqe sqe, boolean dflt) {
    long cdw11 = sqe.cdw(11);
    return switch (fid) {
      case Nvme.FID_ARBITRATION -> Completion.ok(dflt ? ARBITRATION_DEFAULT : arbitration);
      case Nvme.FID_POWER_MANAGEMENT -> Completion.ok(dflt ? 0 : powerManagement);
      case Nvme.FID_TEMPERATURE_THRESHOLD -> {
        // TMPSEL (19:16) and THSEL (21:20) pick the threshold; dword 0 names it beside TMPTH (15:0).
        int tmpsel = (int) ((cdw11 >>> 16) & 0xf);
        int thsel = (int) ((cdw11 >>> 20) & 3);
        if (tmpsel != 0 || thsel > 1) {
          yield INVALID_FIELD; // only the Composite Temperature is implemented; 1111b is for Set Features
        }
        int kelvin = thsel == 0 ? (dflt ? WARNING_KELVIN : overThreshold) : (dflt ? 0 : underThreshold);
        yield Completion.ok(kelvin | ((long) thsel << 20));
      }
      case Nvme.FID_ERROR_RECOVERY ->
          Completion.ok(dflt ? 0 : errorRecovery.getOrDefault((int) sqe.nsid(), 0L));
      case Nvme.FID_VOLATILE_WRITE_CACHE -> Completion.ok(dflt || volatileWriteCache ? 1 : 0);
      case Nvme.FID_NUMBER_OF_QUEUES -> {
        // NCQA (31:16) and NSQA (15:0), 0's based: granted, or what a Connect may use before any Set Features.
        int n = (dflt || controller.grantedIoQueues() == 0 ? options.maxIoQueues : controller.grantedIoQueues()) - 1;
        yield Completion.ok(((long) n << 16) | n);
      }
      case Nvme.FID_INTERRUPT_COALESCING -> Completion.ok(dflt ? 0 : interruptCoalescing);
      case Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION -> {
        int iv = (int) (cdw11 & 0xffff);
        if (iv > options.maxIoQueues) {
          yield INVALID_FIELD;
        }
        yield Completion.ok(iv | (dflt ? defaultVector(iv) : interruptVectors.getOrDefault(iv, defaultVector(iv))));
      }
      case Nvme.FID_WRITE_ATOMICITY_NORMAL -> Completion.ok(!dflt && disableNormal ? 1 : 0);
      case Nvme.FID_ASYNC_EVENT_CONFIGURATION -> Completion.ok(dflt ? 0 : asyncEventConfig);
      case Nvme.FID_KEEP_ALIVE_TIMER -> Completion.ok(dflt ? controller.connectKatoMillis() : controller.katoMillis());
      default -> INVALID_FIELD;
    };
  }

  /** CD (bit 16) for the vector of the admin completion queue, which is never coalesced (5.27.1.7). */
  private static long defaultVector(int iv) {
    return iv == 0 ? 1L << 16 : 0;
  }

  /**
   * Set Features; {@code checkEvents} runs after a change that may raise an asynchronous event. Number of Queues is
   * refused once I/O queues exist (5.27.1.5), as their count is then fixed.
   */
  Completion set(Sqe sqe, Runnable checkEvents) {
    int fid = (int) (sqe.cdw(10) & 0xff);
    if (!supported(fid)) {
      return INVALID_FIELD;
    }
    if ((sqe.cdw(10) & (1L << 31)) != 0) {
      return Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_FEATURE_NOT_SAVEABLE);
    }
    Completion bad = checkNamespace(sqe.nsid(), fid != Nvme.FID_ERROR_RECOVERY, true);
    if (bad != null) {
      return bad;
    }
    long cdw11 = sqe.cdw(11);
    switch (fid) {
      case Nvme.FID_NUMBER_OF_QUEUES -> {
        int nsqr = (int) (cdw11 & 0xffff);
        int ncqr = (int) (cdw11 >>> 16);
        if (nsqr == 0xffff || ncqr == 0xffff) {
          return INVALID_FIELD;
        }
        if (controller.hasIoQueues()) {
          return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_COMMAND_SEQUENCE_ERROR);
        }
        controller.grantIoQueues(Math.min(Math.min(nsqr, ncqr) + 1, options.maxIoQueues));
        return get(sqe.copy().cdw(10, fid));
      }
      case Nvme.FID_KEEP_ALIVE_TIMER -> {
        controller.updateKato(cdw11);
        return Completion.OK;
      }
      default -> {
        Completion r = setValue(fid, sqe.nsid(), cdw11);
        if (r.status() == 0) {
          checkEvents.run();
        }
        return r;
      }
    }
  }

  private synchronized Completion setValue(int fid, long nsid, long cdw11) {
    switch (fid) {
      case Nvme.FID_ARBITRATION -> arbitration = cdw11 & 0xFFFFFF07L; // bits 7:3 are reserved
      case Nvme.FID_POWER_MANAGEMENT -> {
        // NPSS is 0: power state 0 is the only one, and no workload hints (WH, 7:5) are supported.
        if ((cdw11 & 0xff) != 0) {
          return INVALID_FIELD;
        }
        powerManagement = 0;
      }
      case Nvme.FID_TEMPERATURE_THRESHOLD -> {
        int tmpsel = (int) ((cdw11 >>> 16) & 0xf);
        int thsel = (int) ((cdw11 >>> 20) & 3);
        if ((tmpsel != 0 && tmpsel != 0xf) || thsel > 1) {
          return INVALID_FIELD;
        }
        int kelvin = (int) (cdw11 & 0xffff);
        if (thsel == 0) {
          overThreshold = kelvin;
        } else {
          underThreshold = kelvin;
        }
      }
      case Nvme.FID_ERROR_RECOVERY -> {
        // DULBE (bit 16) needs deallocated-block errors, which NSFEAT bit 2 does not announce.
        if ((cdw11 & (1L << 16)) != 0) {
          return INVALID_FIELD;
        }
        long tler = cdw11 & 0xffff;
        if (nsid == ALL_NAMESPACES) {
          controller.subsystem().namespaces().keySet().forEach(id -> errorRecovery.put(id, tler));
        } else {
          errorRecovery.put((int) nsid, tler);
        }
      }
      case Nvme.FID_VOLATILE_WRITE_CACHE -> volatileWriteCache = (cdw11 & 1) != 0;
      case Nvme.FID_INTERRUPT_COALESCING -> interruptCoalescing = cdw11 & 0xffff;
      case Nvme.FID_INTERRUPT_VECTOR_CONFIGURATION -> {
        int iv = (int) (cdw11 & 0xffff);
        long cd = cdw11 & (1L << 16);
        if (iv > options.maxIoQueues || (iv == 0 && cd == 0)) {
          return INVALID_FIELD;
        }
        interruptVectors.put(iv, cd);
      }
      case Nvme.FID_WRITE_ATOMICITY_NORMAL -> disableNormal = (cdw11 & 1) != 0;
      case Nvme.FID_ASYNC_EVENT_CONFIGURATION -> {
        if ((cdw11 & ~AEC_SUPPORTED) != 0) {
          return INVALID_FIELD;
        }
        asyncEventConfig = cdw11;
      }
      default -> {
        return INVALID_FIELD;
      }
    }
    return Completion.OK;
  }

  /**
   * NSID rules for features (5.27): a controller-wide feature takes 0 or FFFFFFFFh, and an active NSID fails with
   * Feature Not Namespace Specific; a namespace-specific one needs an active NSID, or FFFFFFFFh to set them all.
   */
  private Completion checkNamespace(long nsid, boolean controllerWide, boolean broadcastAllowed) {
    boolean inRange = nsid > 0 && nsid <= Subsystem.MAX_NAMESPACES;
    if (controllerWide) {
      if (nsid == 0 || nsid == ALL_NAMESPACES) {
        return null;
      }
      return inRange ? Completion.error(Nvme.SCT_COMMAND_SPECIFIC, Nvme.SC_FEATURE_NOT_NAMESPACE_SPECIFIC)
          : Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE);
    }
    if (nsid == ALL_NAMESPACES && broadcastAllowed) {
      return null;
    }
    if (!inRange) {
      return Completion.error(Nvme.SCT_GENERIC, Nvme.SC_INVALID_NAMESPACE);
    }
    return controller.subsystem().namespace((int) nsid) == null ? INVALID_FIELD : null;
  }
}
