package io.bmagent.card.soft.vhost;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * The QEMU Machine Protocol (QEMU {@code docs/interop/qmp-spec.rst}), just enough to press the power button and
 * the reset button: one connection per command, capabilities negotiation, the command, its return.
 */
final class Qmp {

  private final Path socket;

  Qmp(Path socket) {
    this.socket = socket;
  }

  /** Runs {@code command} (no arguments); events on the way are skipped. */
  void execute(String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
          StandardCharsets.UTF_8));
      in.readLine();
      call(ch, in, "qmp_capabilities");
      call(ch, in, command);
    }
  }

  private static void call(SocketChannel ch, BufferedReader in, String command) throws IOException {
    ch.write(ByteBuffer.wrap(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8)));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.startsWith("{\"return\"")) {
        return;
      }
      if (line.startsWith("{\"error\"")) {
        throw new IOException("QMP " + command + ": " + line);
      }
    }
    throw new IOException("QMP " + command + ": QEMU closed the connection");
  }
}
