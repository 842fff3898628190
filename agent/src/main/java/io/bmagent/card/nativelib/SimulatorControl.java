package io.bmagent.card.nativelib;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import java.nio.file.Path;

/**
 * The simulator's controls ({@code native/sim/bmdpu_sim.h}): fault injection and the outside
 * world. Kept apart from {@link BmdpuLibrary} because a vendor library does not export them.
 */
public final class SimulatorControl {

  /** {@code bmdpu_sim_*}, names kept; each returns 0 or -errno. */
  interface SimLibrary extends Library {
    int bmdpu_sim_inject_fault(Pointer card, String op, int count, int err, int latencyUs);

    int bmdpu_sim_set_path(Pointer card, String connId, int up);

    int bmdpu_sim_host_io(Pointer card, int slot, long readOps, long writeOps, int bytesPerOp);

    int bmdpu_sim_port_traffic(Pointer card, long rxPackets, long txPackets, int bytesPerPacket);

    int bmdpu_sim_mutations(Pointer card, LongByReference count);

    int bmdpu_sim_forget(String serial);

    int bmdpu_sim_metadata_lookup(Pointer card, int port, String key, byte[] buf, int cap, IntByReference len);

    int bmdpu_sim_console_write(Pointer card, byte[] data, int len);
  }

  private final SimLibrary sim;
  private final BmdpuCard card;

  private SimulatorControl(SimLibrary sim, BmdpuCard card) {
    this.sim = sim;
    this.card = card;
  }

  /**
   * Controls for a card opened from the loaded library.
   *
   * @throws UnsupportedOperationException when the library is not the simulator
   */
  public static SimulatorControl of(BmdpuCard card) {
    Path path = BmdpuLibraryLoader.libraryPath()
        .orElseThrow(() -> new IllegalStateException("no card library loaded"));
    try {
      NativeLibrary.getInstance(path.toString(), BmdpuLibraryLoader.OPTIONS)
          .getFunction("bmdpu_sim_inject_fault");
    } catch (UnsatisfiedLinkError e) {
      throw new UnsupportedOperationException(path + " is not the simulator", e);
    }
    return new SimulatorControl(Native.load(path.toString(), SimLibrary.class, BmdpuLibraryLoader.OPTIONS), card);
  }

  /**
   * Fails the next {@code count} calls of {@code op} (e.g. "nvmf_connect") with {@code error}
   * after {@code latencyUs}; {@code error} null only slows them; {@code count} 0 clears.
   */
  public void injectFault(String op, int count, BmdpuError error, int latencyUs) {
    int errno = error == null ? 0 : error.errno();
    BmdpuErrors.check(sim.bmdpu_sim_inject_fault(card.handle(), op, count, errno, latencyUs), "sim_inject_fault");
  }

  /** Takes a connection's network path down or brings it back, raising PATH_DOWN / PATH_UP. */
  public void setPath(String connId, boolean up) {
    BmdpuErrors.check(sim.bmdpu_sim_set_path(card.handle(), connId, up ? 1 : 0), "sim_set_path");
  }

  /** Simulates host I/O on a device; -EAGAIN while it is frozen. */
  public void hostIo(int slot, long readOps, long writeOps, int bytesPerOp) {
    BmdpuErrors.check(sim.bmdpu_sim_host_io(card.handle(), slot, readOps, writeOps, bytesPerOp), "sim_host_io");
  }

  /** How many state-changing calls were made through this handle since it was opened, failed ones included. */
  public long mutations() {
    LongByReference count = new LongByReference();
    BmdpuErrors.check(sim.bmdpu_sim_mutations(card.handle(), count), "sim_mutations");
    return count.getValue();
  }

  /**
   * Drops the state of the closed card opened with {@code serial=}, so that the next open of the
   * serial is a new card; no error when no card has the serial.
   */
  public void forget(String serial) {
    int rc = sim.bmdpu_sim_forget(serial);
    if (rc != -BmdpuError.NOT_FOUND.errno()) {
      BmdpuErrors.check(rc, "sim_forget");
    }
  }

  /** Simulates traffic through the host port. */
  public void portTraffic(long rxPackets, long txPackets, int bytesPerPacket) {
    BmdpuErrors.check(sim.bmdpu_sim_port_traffic(card.handle(), rxPackets, txPackets, bytesPerPacket),
        "sim_port_traffic");
  }

  /** What the simulated card's metadata responder serves for {@code key} of port 0's document, or null. */
  public byte[] metadataLookup(String key) {
    byte[] buf = new byte[BmdpuLibrary.BMDPU_METADATA_MAX];
    IntByReference len = new IntByReference();
    int r = sim.bmdpu_sim_metadata_lookup(card.handle(), 0, key, buf, buf.length, len);
    if (r == -BmdpuError.NOT_FOUND.errno()) {
      return null;
    }
    BmdpuErrors.check(r, "sim_metadata_lookup");
    return java.util.Arrays.copyOf(buf, len.getValue());
  }

  /** Simulates the host printing on its serial console; BUSY while the host is off. */
  public void consoleWrite(byte[] data) {
    BmdpuErrors.check(sim.bmdpu_sim_console_write(card.handle(), data, data.length), "sim_console_write");
  }
}
