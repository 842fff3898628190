package io.bmagent.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The lab's few external commands (`ip`, `ssh-keygen`, the image script), run to completion with stdin closed. */
public final class Commands {
  /** Namespace and link commands return at once; one that hangs should fail the lab's setup, not stall it. */
  private static final long MUST_SECONDS = 30;

  private Commands() {
  }

  /** Runs {@code command}, its output discarded, and returns its exit status. */
  public static int run(String... command) throws IOException, InterruptedException {
    return run(List.of(command), false);
  }

  /** Runs {@code command} with its output on ours when {@code show}, discarded otherwise; returns its exit status. */
  public static int run(List<String> command, boolean show) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(show ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    p.getOutputStream().close();
    return p.waitFor();
  }

  /** Runs {@code command}; a failure or a hang is an IOException naming the command and what it printed. */
  public static void must(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(MUST_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": " + out);
    }
  }
}
