package io.bmagent.card.soft.net.tap;

/**
 * What the test hosts run, in Python because the machine has no ping, DHCP client or netcat: a DHCP client on a
 * packet socket, an ICMP echo, a TCP server and a TCP client.
 */
final class HostScripts {

  private HostScripts() {}

  /** DISCOVER, OFFER, REQUEST, ACK; prints "address/prefix router mtu". Arguments: interface, MAC. */
  static final String DHCP_CLIENT = """
      import socket, struct, sys
      ifc = sys.argv[1]; mac = bytes.fromhex(sys.argv[2].replace(':', ''))
      s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800)); s.bind((ifc, 0)); s.settimeout(5)
      def csum(b):
          t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
          while t >> 16: t = (t & 0xffff) + (t >> 16)
          return ~t & 0xffff
      def frame(opts):
          bootp = struct.pack('!BBBBIHHIIII', 1, 1, 6, 0, 0x1234abcd, 0, 0x8000, 0, 0, 0, 0) + mac + bytes(202)
          bootp += struct.pack('!I', 0x63825363) + opts + b'\\xff'
          udp = struct.pack('!HHHH', 68, 67, 8 + len(bootp), 0) + bootp
          ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, bytes(4), b'\\xff' * 4)
          ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
          return b'\\xff' * 6 + mac + b'\\x08\\x00' + ip + udp
      def receive(kind):
          while True:
              f = s.recv(2048); ip = f[14:]; ihl = (ip[0] & 15) * 4
              if ip[9] != 17: continue
              udp = ip[ihl:]
              if struct.unpack('!H', udp[2:4])[0] != 68: continue
              b = udp[8:]
              if struct.unpack('!I', b[4:8])[0] != 0x1234abcd: continue
              opts = {}; i = 240
              while i < len(b) and b[i] != 255:
                  if b[i] == 0: i += 1; continue
                  opts[b[i]] = b[i + 2:i + 2 + b[i + 1]]; i += 2 + b[i + 1]
              if opts.get(53) == bytes([kind]): return b[16:20], opts
      s.send(frame(b'\\x35\\x01\\x01'))
      yi, o = receive(2)
      s.send(frame(b'\\x35\\x01\\x03\\x32\\x04' + yi + b'\\x36\\x04' + o[54]))
      yi, o = receive(5)
      prefix = bin(struct.unpack('!I', o[1])[0]).count('1')
      print('%s/%d %s %d' % (socket.inet_ntoa(yi), prefix, socket.inet_ntoa(o[3][:4]), struct.unpack('!H', o[26])[0]))
      """;

  /** One echo request and its reply within 3 s; exit status 0 on a reply. Argument: destination. */
  static final String PING = """
      import socket, struct, sys
      dst = sys.argv[1]
      s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); s.settimeout(3)
      def csum(b):
          t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
          while t >> 16: t = (t & 0xffff) + (t >> 16)
          return ~t & 0xffff
      m = struct.pack('!BBHHH', 8, 0, 0, 0x4242, 1) + b'bm-agent'
      s.sendto(m[:2] + struct.pack('!H', csum(m)) + m[4:], (dst, 0))
      while True:
          data, addr = s.recvfrom(2048); ihl = (data[0] & 15) * 4
          if addr[0] == dst and data[ihl] == 0: print('reply from', dst); break
      """;

  /** Accepts on the given ports and says hello; prints "ready" once listening. Arguments: ports. */
  static final String TCP_SERVER = """
      import socket, sys, threading, time
      def serve(s):
          while True:
              c, _ = s.accept(); c.sendall(b'hello'); c.close()
      for p in sys.argv[1:]:
          s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
          s.bind(('0.0.0.0', int(p))); s.listen(8)
          threading.Thread(target=serve, args=(s,), daemon=True).start()
      print('ready', flush=True)
      time.sleep(120)
      """;

  /** Connects and reads the greeting within 2 s; exit status 0 on success. Arguments: address, port. */
  static final String TCP_CLIENT = """
      import socket, sys
      c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
      print(c.recv(16).decode())
      """;
}
