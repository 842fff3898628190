/**
 * Low-level JNA binding of the card's C ABI, {@code native/include/bmdpu.h} version 1.
 *
 * <p>{@link io.bmagent.card.nativelib.BmdpuLibrary} mirrors the C functions one to one and keeps
 * their names; the structure classes mirror the C structs field by field. Every C call returns 0
 * or a negative errno, and {@link io.bmagent.card.nativelib.BmdpuErrors} is the only place that
 * turns those into {@link io.bmagent.card.nativelib.BmdpuException}s. {@link
 * io.bmagent.card.nativelib.BmdpuLibraryLoader} finds and probes the library once; {@link
 * io.bmagent.card.nativelib.BmdpuCard} owns a card handle and moves its events off the card's
 * thread. {@link io.bmagent.card.nativelib.SimulatorControl} reaches the simulator's fault
 * injection, which vendor libraries do not have.
 */
package io.bmagent.card.nativelib;
