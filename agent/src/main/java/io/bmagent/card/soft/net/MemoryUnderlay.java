package io.bmagent.card.soft.net;

import io.bmagent.card.soft.net.packet.Vxlan;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An underlay in memory. Sent packets are kept as the whole frames a hardware eSwitch would put on the wire, outer
 * Ethernet, IPv4 and UDP included, so tests can check encapsulation byte for byte; injected VXLAN packets go to the
 * pipeline on the caller's thread.
 */
public final class MemoryUnderlay implements Underlay {

  private final int localIp;
  private final long localMac;
  private final long nextHopMac;
  private final BlockingQueue<byte[]> sent = new LinkedBlockingQueue<>();
  private volatile TunnelReceiver receiver;

  /**
   * @param localIp the card's underlay address, the outer source
   * @param localMac the card's underlay MAC, the outer source MAC
   * @param nextHopMac the underlay router's MAC, the outer destination MAC
   */
  public MemoryUnderlay(int localIp, long localMac, long nextHopMac) {
    this.localIp = localIp;
    this.localMac = localMac;
    this.nextHopMac = nextHopMac;
  }

  @Override
  public void start(TunnelReceiver r) {
    receiver = r;
  }

  @Override
  public void send(int underlayIp, int sourcePort, byte[] packet, int offset, int length) {
    int outer = Vxlan.OVERHEAD - Vxlan.HEADER;
    byte[] frame = new byte[outer + length];
    System.arraycopy(packet, offset, frame, outer, length);
    Vxlan.writeOuter(frame, 0, nextHopMac, localMac, localIp, underlayIp, sourcePort, length);
    sent.add(frame);
  }

  /** A VXLAN packet (header and inner frame) arrives from the underlay address {@code source}, a burst of one. */
  public void inject(int source, byte[] vxlanPacket) {
    byte[] b = Arrays.copyOf(vxlanPacket, vxlanPacket.length);
    receiver.receive(source, b, 0, b.length);
    receiver.flush();
  }

  /** The next whole outer frame sent, or null. */
  public byte[] poll() {
    return sent.poll();
  }

  @Override
  public void close() {
    receiver = null;
  }
}
