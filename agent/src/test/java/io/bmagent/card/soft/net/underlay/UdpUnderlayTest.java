package io.bmagent.card.soft.net.underlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bmagent.card.soft.net.packet.Vxlan;
import io.bmagent.net.Ipv4Address;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two cards' underlays on loopback addresses, as several soft cards share one machine. */
class UdpUnderlayTest {

  @Test
  void carriesVxlanPacketsBetweenLoopbackAddresses() throws Exception {
    int a = Ipv4Address.parse("127.0.0.2").value();
    int b = Ipv4Address.parse("127.0.0.3").value();
    try (UdpUnderlay first = new UdpUnderlay(new Ipv4Address(a), 0)) {
      int port = first.localAddress().getPort();
      try (UdpUnderlay second = new UdpUnderlay(new Ipv4Address(b), port)) {
        BlockingQueue<byte[]> got = new ArrayBlockingQueue<>(4);
        second.start((from, buf, off, len) -> {
          assertEquals(a, from);
          got.add(Arrays.copyOfRange(buf, off, off + len));
        });
        byte[] packet = new byte[8 + 60];
        Vxlan.write(packet, 0, 4242);
        packet[20] = 42;
        byte[] framed = new byte[16 + packet.length];
        System.arraycopy(packet, 0, framed, 16, packet.length);
        first.send(b, 50000, framed, 16, packet.length);
        byte[] received = got.poll(5, TimeUnit.SECONDS);
        assertArrayEquals(packet, received);
        assertEquals(4242, Vxlan.vni(received, 0));
      }
    }
  }

  @Test
  void aSecondUnderlayOnTheSameAddressIsRefusedEvenAfterTheLanesShareIt() {
    // The lanes' sockets share the port (SO_REUSEPORT); another agent on the address must not join them.
    Ipv4Address a = Ipv4Address.parse("127.0.0.2");
    try (UdpUnderlay first = new UdpUnderlay(a, 0)) {
      first.lanes(2).forEach(lane -> lane.open((from, buf, off, len) -> { }));
      UncheckedIOException e = assertThrows(UncheckedIOException.class,
          () -> new UdpUnderlay(a, first.localAddress().getPort()).close());
      assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
    }
  }
}
