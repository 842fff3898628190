package io.bmagent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** One bmctl run in-process, as a shell would see it: exit code, stdout and stderr. */
record BmctlRun(int code, String out, String err) {

  static BmctlRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Bmctl());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new BmctlRun(code, out.toString(), err.toString());
  }

  /** bmctl against a plaintext TCP agent, the connection flags first as an operator would type them. */
  static BmctlRun tcp(int port, String... args) {
    List<String> all = new ArrayList<>(List.of("--target", "127.0.0.1:" + port, "--plaintext"));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  /** Writes a request as the JSON spec file an operator would pass with -f. */
  static String specFile(Path dir, String name, Message request) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, JsonFormat.printer().print(request));
    return p.toString();
  }

  <B extends Message.Builder> B json(B builder) throws IOException {
    JsonFormat.parser().merge(out, builder);
    return builder;
  }

  BmctlRun expect(int expected) {
    assertEquals(expected, code, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
    return this;
  }
}
