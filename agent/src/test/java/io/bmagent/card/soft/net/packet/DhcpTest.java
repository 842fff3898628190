package io.bmagent.card.soft.net.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

public class DhcpTest {

  static final long CLIENT = 0x020000000005L;

  /** A DISCOVER as a client sends it: BOOTREQUEST, xid, broadcast flag, chaddr, cookie, option 53 and end. */
  public static byte[] request(int type, int xid, boolean broadcast, int requested) {
    return request(type, xid, broadcast, requested, 0);
  }

  /** The same with a server identifier (option 54) when {@code serverId} is not 0. */
  public static byte[] request(int type, int xid, boolean broadcast, int requested, int serverId) {
    byte[] m = new byte[Dhcp.FIXED + 4 + 3 + (requested != 0 ? 6 : 0) + (serverId != 0 ? 6 : 0) + 1];
    m[0] = 1;
    m[1] = 1;
    m[2] = 6;
    Bytes.put32(m, 4, xid);
    Bytes.put16(m, 10, broadcast ? Dhcp.BROADCAST_FLAG : 0);
    Bytes.put48(m, 28, CLIENT);
    Bytes.put32(m, Dhcp.FIXED, Dhcp.COOKIE);
    int o = Dhcp.FIXED + 4;
    m[o++] = 53;
    m[o++] = 1;
    m[o++] = (byte) type;
    if (requested != 0) {
      m[o++] = 50;
      m[o++] = 4;
      Bytes.put32(m, o, requested);
      o += 4;
    }
    if (serverId != 0) {
      m[o++] = 54;
      m[o++] = 4;
      Bytes.put32(m, o, serverId);
      o += 4;
    }
    m[o] = (byte) 255;
    return m;
  }

  @Test
  void parsesRequestOptions() {
    byte[] m = request(Dhcp.REQUEST, 0xCAFE, false, 0x0a000005);
    assertTrue(Dhcp.isRequest(m, 0, m.length));
    assertEquals(Dhcp.REQUEST, Dhcp.messageType(m, 0, m.length));
    assertEquals(0x0a000005, Dhcp.requestedIp(m, 0, m.length));
    assertEquals(CLIENT, Dhcp.chaddr(m, 0));
    assertEquals(0xCAFE, Dhcp.xid(m, 0));
  }

  @Test
  void offerCarriesTheLeaseByteForByte() {
    byte[] req = request(Dhcp.DISCOVER, 0x11223344, false, 0);
    var lease = new DhcpReply.Lease(0x0a000005, 0xffffff00, 0x0a000001, List.of(0x08080808), 86400, 1450);
    byte[] out = new byte[DhcpReply.maxFrameLength(lease)];
    int len = DhcpReply.write(out, req, 0, Dhcp.OFFER, lease, 0x02aaaaaaaaaaL, 0x0a000001);
    assertEquals(out.length, len);
    assertEquals(300, len - 42, "padded to the BOOTP minimum of RFC 1542, 3.3");
    assertEquals("020000000005" + "02aaaaaaaaaa" + "0800", Hex.of(out, 0, 14));
    assertTrue(Ipv4.valid(out, 14, len - 14));
    assertEquals(0x0a000005, Ipv4.dst(out, 14));
    assertTrue(Udp.checksumValid(out, 14, 34, len - 34));
    int bootp = 42;
    assertEquals("02010600" + "11223344", Hex.of(out, bootp, 8));
    assertEquals("0a000005", Hex.of(out, bootp + 16, 4));
    assertEquals("020000000005", Hex.of(out, bootp + 28, 6));
    assertEquals("63825363" + "350102" + "36040a000001" + "330400015180" + "0104ffffff00" + "03040a000001"
        + "060408080808" + "1a0205aa" + "ff" + "00".repeat(22), Hex.of(out, bootp + Dhcp.FIXED,
        len - bootp - Dhcp.FIXED));
  }

  @Test
  void informIsAnsweredWithTheConfigurationAlone() {
    byte[] req = request(Dhcp.INFORM, 9, true, 0);
    Bytes.put32(req, 12, 0x0a000005);
    var lease = new DhcpReply.Lease(0x0a000005, 0xffffff00, 0x0a000001, List.of(), 3600, 1500);
    byte[] out = new byte[DhcpReply.maxFrameLength(lease)];
    int len = DhcpReply.writeInformAck(out, req, 0, lease, 0x02aaaaaaaaaaL, 0x0a000001);
    assertEquals(CLIENT, Ethernet.dst(out, 0), "to the client, even with the broadcast flag (RFC 2131, 4.3.5)");
    assertEquals(0x0a000005, Ipv4.dst(out, 14), "to ciaddr");
    assertEquals("0a000005" + "00000000", Hex.of(out, 42 + 12, 8), "ciaddr kept, no yiaddr");
    assertEquals(Dhcp.ACK, Dhcp.messageType(out, 42, len - 42));
    assertEquals(-1, Dhcp.findOption(out, 42, len - 42, Dhcp.OPT_LEASE_TIME), "no lease time");
    assertTrue(Dhcp.findOption(out, 42, len - 42, Dhcp.OPT_ROUTER) > 0);
  }

  @Test
  void broadcastFlagMakesTheReplyBroadcast() {
    byte[] req = request(Dhcp.REQUEST, 7, true, 0x0a000005);
    var lease = new DhcpReply.Lease(0x0a000005, 0xffffff00, 0x0a000001, List.of(), 3600, 1500);
    byte[] out = new byte[DhcpReply.maxFrameLength(lease)];
    int len = DhcpReply.write(out, req, 0, Dhcp.ACK, lease, 0x02aaaaaaaaaaL, 0x0a000001);
    assertEquals(0xFFFF_FFFF_FFFFL, Ethernet.dst(out, 0));
    assertEquals(Ipv4.BROADCAST, Ipv4.dst(out, 14));
    assertEquals(Dhcp.ACK, out[42 + Dhcp.FIXED + 6]);
    assertEquals(len, out.length);
  }
}
