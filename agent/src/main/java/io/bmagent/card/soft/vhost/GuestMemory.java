package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.vhost.sys.MappedRegion;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * The guest's memory as the front-end described it in SET_MEM_TABLE (vhost-user.rst, "Memory region
 * description"): each region has a guest physical address, a front-end virtual address and a mapping here.
 * Descriptors carry guest physical addresses; SET_VRING_ADDR carries front-end virtual ones.
 */
final class GuestMemory implements AutoCloseable {

  /** {@code window} returns the buffer holding a region offset, {@link MappedRegion#WINDOW} bytes apart. */
  record Region(long guestAddr, long size, long userAddr, LongFunction<ByteBuffer> window) {}

  private final List<Region> regions;
  private final List<MappedRegion> mappings;
  private final AtomicInteger refs = new AtomicInteger(1);

  GuestMemory(List<Region> regions, List<MappedRegion> mappings) {
    this.regions = List.copyOf(regions);
    this.mappings = List.copyOf(mappings);
  }

  static GuestMemory empty() {
    return new GuestMemory(List.of(), List.of());
  }

  /** {@code len} bytes at guest physical {@code gpa}, which must lie in one window of one region. */
  ByteBuffer guest(long gpa, int len) {
    for (Region r : regions) {
      if (Long.compareUnsigned(gpa - r.guestAddr, r.size) < 0) {
        return slice(r, gpa - r.guestAddr, len);
      }
    }
    throw new VirtqueueException("guest address 0x" + Long.toHexString(gpa) + " is outside guest memory");
  }

  /** Like {@link #guest} for a front-end virtual address (the rings' addresses). */
  ByteBuffer user(long uva, int len) {
    for (Region r : regions) {
      if (Long.compareUnsigned(uva - r.userAddr, r.size) < 0) {
        return slice(r, uva - r.userAddr, len);
      }
    }
    throw new VirtqueueException("front-end address 0x" + Long.toHexString(uva) + " is outside guest memory");
  }

  /**
   * Appends to {@code out} the buffers covering {@code len} bytes at {@code gpa}, split where a buffer crosses a
   * window or a region boundary (a descriptor may span contiguous guest pages that are not contiguous here).
   */
  void segments(long gpa, long len, List<ByteBuffer> out) {
    while (len > 0) {
      long inWindow = MappedRegion.WINDOW - offsetInWindow(gpa);
      int n = (int) Math.min(len, Math.min(inWindow, Integer.MAX_VALUE));
      Region r = regionOf(gpa);
      n = (int) Math.min(n, r.size - (gpa - r.guestAddr));
      out.add(slice(r, gpa - r.guestAddr, n));
      gpa += n;
      len -= n;
    }
  }

  private long offsetInWindow(long gpa) {
    Region r = regionOf(gpa);
    return (gpa - r.guestAddr) % MappedRegion.WINDOW;
  }

  private Region regionOf(long gpa) {
    for (Region r : regions) {
      if (Long.compareUnsigned(gpa - r.guestAddr, r.size) < 0) {
        return r;
      }
    }
    throw new VirtqueueException("guest address 0x" + Long.toHexString(gpa) + " is outside guest memory");
  }

  private static ByteBuffer slice(Region r, long off, int len) {
    long inWindow = off % MappedRegion.WINDOW;
    if (len < 0 || inWindow + len > MappedRegion.WINDOW || off + len > r.size) {
      throw new VirtqueueException(len + " bytes at region offset " + off + " cross the end of a mapped window");
    }
    return r.window.apply(off).slice((int) inWindow, len).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  /** Held by the owner and by every request in flight: a late completion must never write unmapped memory. */
  void retain() {
    refs.incrementAndGet();
  }

  /** Unmaps once the owner (on a new SET_MEM_TABLE or a disconnect) and every request let go. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      mappings.forEach(MappedRegion::close);
    }
  }

  @Override
  public void close() {
    release();
  }
}
