package io.bmagent.card.soft.vhost;

import io.bmagent.card.soft.SoftCard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** OpenSSH's client as a user runs it, from a network namespace, with a key of their own and no known hosts. */
final class SshClient {

  /** A finished command: exit status, its standard output and ssh's own messages. */
  record Result(int status, String output, String error) {}

  private final String namespace;
  private final String destination;

  SshClient(String namespace, String destination) {
    this.namespace = namespace;
    this.destination = destination;
  }

  /** A fresh ed25519 key pair at {@code file} and {@code file.pub}, as a user makes one before a launch. */
  static Path newKey(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "user@internet", "-f",
        file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("ssh-keygen: " + out);
    }
    return file;
  }

  static String publicKey(Path key) throws IOException {
    return Files.readString(Path.of(key + ".pub")).strip();
  }

  /** Runs {@code command} on the host with {@code key}; a connection is given 5 s. */
  Result run(Path key, String command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "ssh", "-i", key.toString(),
        "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "PasswordAuthentication=no",
        // A new host each run: its key cannot be known beforehand (its console shows the fingerprints).
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=5", destination, command));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    String out = read(p.getInputStream());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(-1, out.strip(), "ssh did not finish in 60 s");
    }
    return new Result(p.exitValue(), out.strip(), err.join().strip());
  }

  /** The output of {@code command}, which must succeed. */
  String must(Path key, String command) throws IOException, InterruptedException {
    Result r = run(key, command);
    if (r.status() != 0) {
      throw new AssertionError("ssh " + command + ": status " + r.status() + ", " + r.error());
    }
    return r.output();
  }

  /**
   * The output of {@code command} once a login with {@code key} succeeds, trying every 2 s while the host boots;
   * fails after {@code seconds} with the last refusal and the host's console.
   */
  String awaitLogin(Path key, String command, int seconds, SoftCard card) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Result r = run(key, command);
      if (r.status() == 0) {
        return r.output();
      }
      if (System.nanoTime() > deadline) {
        String console = card.qemuHost()
            .map(q -> new String(q.consoleOutput(64 << 10).output(), StandardCharsets.UTF_8)).orElse("(no QEMU host)");
        throw new AssertionError("no login in " + seconds + " s, last: " + r.error() + "\nconsole:\n" + console);
      }
      Thread.sleep(2000);
    }
  }

  /**
   * Waits, logged in with {@code key}, until the host has finished booting (systemd running, or degraded), so that the
   * commands after it meet a host no longer busy with its boot: sshd lets the user in while cloud-init's last stages
   * still run, and under TCG a command sent right after the first login once failed.
   */
  void awaitBooted(Path key, int seconds, SoftCard card) throws IOException, InterruptedException {
    awaitLogin(key, "systemctl is-system-running --wait || true", seconds, card);
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
