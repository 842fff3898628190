package io.bmagent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's real process failing to start: each failure is one line on stderr (beside ordinary log lines) naming
 * what and how to fix it, with an exit status of its own, and no stack trace.
 */
class StartupErrorsTest {

  @TempDir Path dir;
  final List<Process> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void apiPortInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Failure f = fail("--state-dir", dir.resolve("s").toString(), "--listen", "127.0.0.1:" + taken.getLocalPort(),
          "--metrics-listen", "off", "--card-option", "underlay=127.0.0.1", "--card-option", "underlay-port=0");
      assertEquals(StartupFailure.Kind.ADDRESS_IN_USE.exitCode(), f.code, f.toString());
      assertTrue(f.line.contains("127.0.0.1:" + taken.getLocalPort() + " is in use") && f.line.contains("--listen"),
          f.line);
    }
  }

  @Test
  void aSecondSoftCardOnTheSameMachine() throws Exception {
    int underlayPort;
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
      underlayPort = s.getLocalPort();
    }
    Process first = agent("--state-dir", dir.resolve("first").toString(), "--listen", "127.0.0.1:0",
        "--metrics-listen", "off", "--card-option", "underlay-port=" + underlayPort);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(),
        StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.startsWith("bm-agent ")) {
        continue;
      }
      assertTrue(line != null, "the first agent did not start");
      Failure f = fail("--state-dir", dir.resolve("second").toString(), "--listen", "127.0.0.1:0",
          "--metrics-listen", "off", "--card-option", "underlay-port=" + underlayPort);
      assertEquals(StartupFailure.Kind.CARD.exitCode(), f.code, f.toString());
      assertTrue(f.line.contains("127.0.0.2:" + underlayPort) && f.line.contains("--card-option underlay-port"),
          f.line);

      Failure same = fail("--state-dir", dir.resolve("first").toString(), "--listen", "127.0.0.1:0",
          "--metrics-listen", "off", "--card-option", "underlay-port=0");
      assertEquals(StartupFailure.Kind.STATE.exitCode(), same.code, same.toString());
      assertTrue(same.line.contains("in use by another bm-agent"), same.line);
    }
  }

  @Test
  void unwritableOrUnreadableStateDirectory() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Failure f = fail("--state-dir", file.resolve("state").toString(), "--listen", "127.0.0.1:0",
        "--metrics-listen", "off");
    assertEquals(StartupFailure.Kind.STATE.exitCode(), f.code, f.toString());
    assertTrue(f.line.contains(file.resolve("state") + " cannot be created") && f.line.contains("--state-dir"),
        f.line);

    Path damaged = Files.createDirectories(dir.resolve("damaged"));
    Files.write(damaged.resolve("state.db"), new byte[8192]);
    Failure d = fail("--state-dir", damaged.toString(), "--listen", "127.0.0.1:0", "--metrics-listen", "off",
        "--card-option", "underlay=127.0.0.1", "--card-option", "underlay-port=0");
    assertEquals(StartupFailure.Kind.STATE.exitCode(), d.code, d.toString());
    assertTrue(d.line.contains("cannot be opened"), d.line);
  }

  @Test
  void badFlags() throws Exception {
    Failure unknown = fail("--no-such-flag");
    assertEquals(StartupFailure.Kind.USAGE.exitCode(), unknown.code, unknown.toString());
    assertTrue(unknown.line.contains("--no-such-flag") && unknown.line.contains("--help"), unknown.line);
    Failure malformed = fail("--listen", "nowhere", "--state-dir", dir.resolve("s").toString());
    assertEquals(StartupFailure.Kind.USAGE.exitCode(), malformed.code, malformed.toString());
    assertTrue(malformed.line.contains("--listen"), malformed.line);
  }

  @Test
  void aMalformedImagePolicyStopsTheStartNamingFileAndLine() throws Exception {
    Path policy = Files.writeString(dir.resolve("images.json"), "{\n  \"images\": [\n    {\"os_family\": \"CentOS\","
        + " \"os_verison\": \"7.6\"}\n  ]\n}\n");
    Failure f = fail("--state-dir", dir.resolve("s").toString(), "--listen", "127.0.0.1:0", "--metrics-listen", "off",
        "--image-policy", policy.toString());
    assertEquals(StartupFailure.Kind.CONFIG.exitCode(), f.code, f.toString());
    assertEquals(7, f.code);
    assertTrue(f.line.startsWith("bm-agent: the image policy " + policy + ":3:29: unknown key \"os_verison\""),
        f.line);
    assertTrue(Files.notExists(dir.resolve("s")), "stopped before the state directory was made");

    Failure missing = fail("--state-dir", dir.resolve("s").toString(), "--image-policy", dir.resolve("no.json")
        .toString());
    assertEquals(7, missing.code, missing.toString());
    assertTrue(missing.line.contains(dir.resolve("no.json") + " does not exist"), missing.line);
  }

  @Test
  void helpListsTheExitStatuses() throws Exception {
    Process p = agent("--help");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    assertTrue(out.contains("4 listen address in use") && out.contains("5 card cannot be opened"), out);
    assertTrue(out.contains("7 configuration file unreadable or malformed") && out.contains("--image-policy"), out);
  }

  /** One failed start: its exit status and its one error line. */
  private record Failure(int code, String line, String stderr) {}

  private Failure fail(String... args) throws Exception {
    Process p = agent(args);
    p.getOutputStream().close();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent did not exit: " + err);
    List<String> lines = err.lines().filter(l -> !l.startsWith("ts=")).toList();
    assertEquals(1, lines.size(), "one line besides log lines:\n" + err);
    assertTrue(!err.contains("\tat ") && !err.contains("Exception"), "no stack trace:\n" + err);
    assertTrue(lines.get(0).startsWith("bm-agent: "), lines.get(0));
    return new Failure(p.exitValue(), lines.get(0), err);
  }

  private Process agent(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).start();
    started.add(p);
    return p;
  }
}
