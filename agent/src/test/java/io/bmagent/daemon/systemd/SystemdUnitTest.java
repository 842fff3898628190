package io.bmagent.daemon.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bmagent.daemon.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The files under {@code systemd/}: the unit passes {@code systemd-analyze verify}, the defaults parse, the installer runs. */
class SystemdUnitTest {

  static final Path DIR = Path.of("..", "systemd").toAbsolutePath().normalize();
  static final String INSTALLED = "/opt/bm-agent/bin/bm-agent";

  @TempDir Path tmp;

  @Test
  void unitPassesSystemdAnalyzeVerifyWithoutWarnings() throws Exception {
    assumeTrue(run(List.of("sh", "-c", "command -v systemd-analyze")).code == 0,
        "systemd-analyze is not installed (apt-get install systemd); skipping the unit check");
    // verify insists that ExecStart= names an executable: point it at one, as the installed launcher would be.
    Path launcher = tmp.resolve("bm-agent");
    Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    String unit = Files.readString(DIR.resolve("bm-agent.service"));
    assertTrue(unit.contains("ExecStart=" + INSTALLED + " "), "ExecStart= runs " + INSTALLED);
    Path copy = tmp.resolve("bm-agent.service");
    Files.writeString(copy, unit.replace(INSTALLED, launcher.toString()));

    Result r = run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
    assertEquals(0, r.code, r.output);
    assertEquals("", r.output, "systemd-analyze warned");
  }

  @Test
  void defaultFlagsInTheEnvironmentFileParse() throws IOException {
    String opts = Files.readAllLines(DIR.resolve("bm-agent.env")).stream()
        .filter(l -> l.startsWith("BM_AGENT_OPTS="))
        .map(l -> l.substring("BM_AGENT_OPTS=".length()).replace("\"", ""))
        .findFirst().orElseThrow();
    List<String> args = new ArrayList<>(List.of("--state-dir", "/var/lib/bm-agent", "--socket", "/run/bm-agent/a.sock"));
    args.addAll(Arrays.asList(opts.trim().split("\\s+")));
    new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
  }

  @Test
  void installerIsValidBashAndExplainsItself() throws Exception {
    Path script = DIR.resolve("install.sh");
    assertTrue(Files.isExecutable(script), script + " is executable");
    assertEquals(0, run(List.of("bash", "-n", script.toString())).code);
    Result help = run(List.of(script.toString(), "--help"));
    assertEquals(0, help.code, help.output);
    assertTrue(help.output.contains("--dry-run"), help.output);
  }

  record Result(int code, String output) {}

  static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
