package io.bmagent.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The lab's host: a network namespace the soft card's host port (a TAP device) is moved into. Needs root. */
final class HostNamespace implements AutoCloseable {

  private final String name;

  private HostNamespace(String name) {
    this.name = name;
  }

  /** Creates the namespace, replacing a stale one of the same name from an earlier run. */
  static HostNamespace create(String name) throws IOException, InterruptedException {
    Commands.run("ip", "netns", "del", name);
    if (Commands.run("ip", "netns", "add", name) != 0) {
      throw new IOException("cannot create network namespace " + name);
    }
    Commands.run("ip", "-n", name, "link", "set", "lo", "up");
    return new HostNamespace(name);
  }

  static boolean possible() {
    return "root".equals(System.getProperty("user.name")) && new java.io.File("/dev/net/tun").exists()
        && (new java.io.File("/usr/sbin/ip").exists() || new java.io.File("/sbin/ip").exists()
            || new java.io.File("/usr/bin/ip").exists());
  }

  String name() {
    return name;
  }

  /** Brings the host's interface up and runs a command inside the namespace. */
  int exec(String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
    cmd.addAll(List.of(command));
    return Commands.run(cmd.toArray(String[]::new));
  }


  @Override
  public void close() {
    try {
      Commands.run("ip", "netns", "del", name);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
