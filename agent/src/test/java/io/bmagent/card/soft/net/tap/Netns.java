package io.bmagent.card.soft.net.tap;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** A network namespace made for a test, standing for one host; commands run in it through {@code ip netns exec}. */
public final class Netns implements AutoCloseable {

  /** A finished command: its exit status and its merged output. */
  public record Result(int status, String output) {}

  public final String name;

  public Netns(String name) throws Exception {
    this.name = name;
    Result r = run("ip", "netns", "add", name);
    if (r.status() != 0) {
      throw new IOException("ip netns add " + name + ": " + r.output());
    }
  }

  /** Runs a command in the namespace and waits at most 20 s for it. */
  public Result exec(String... cmd) throws Exception {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
    all.addAll(List.of(cmd));
    return run(all.toArray(new String[0]));
  }

  /** Runs a command in the namespace and fails unless it succeeds. */
  public String must(String... cmd) throws Exception {
    Result r = exec(cmd);
    if (r.status() != 0) {
      throw new IOException(String.join(" ", cmd) + " in " + name + ": " + r.output());
    }
    return r.output();
  }

  /** Starts a long-running command in the namespace; the caller destroys the process it gets. */
  public Process start(String... cmd) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", name));
    all.addAll(List.of(cmd));
    return new ProcessBuilder(all).redirectErrorStream(true).start();
  }

  /**
   * Starts tcpdump in the namespace ({@code args} after the program's name) for at most {@code seconds} and returns
   * once it is capturing, with its output read past the banner; the caller destroys the process, through its handle
   * alone if it still reads the output ({@link Process#destroy} closes the stream).
   */
  public Capture capture(int seconds, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("timeout", Integer.toString(seconds), "tcpdump"));
    cmd.addAll(List.of(args));
    Process p = start(cmd.toArray(String[]::new));
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line = out.readLine(); line != null && !line.contains("listening on"); line = out.readLine()) {
      // the banner, on the merged standard error
    }
    return new Capture(p, out);
  }

  /** A running tcpdump and its output. */
  public record Capture(Process process, BufferedReader lines) {}

  /** Skips the calling test unless it can create namespaces and TAP devices: root, with /dev/net/tun. */
  public static void assumeRootWithTun() throws Exception {
    Assumptions.assumeTrue("0".equals(run("id", "-u").output()),
        "skipped: needs root to create network namespaces and TAP devices");
    Assumptions.assumeTrue(new File("/dev/net/tun").canRead(), "skipped: no /dev/net/tun");
  }

  public static Result run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, out);
    }
    return new Result(p.exitValue(), out.strip());
  }

  @Override
  public void close() throws Exception {
    run("ip", "netns", "del", name);
  }
}
