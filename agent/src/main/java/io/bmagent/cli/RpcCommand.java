package io.bmagent.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A subcommand that makes calls: connects, runs, prints, and turns a refusal into one line and an exit code. */
abstract class RpcCommand implements Callable<Integer> {

  enum Format { table, json }

  @Spec
  CommandSpec spec;

  @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
      description = "table or json (default: ${DEFAULT-VALUE}).")
  Format output;

  /** Makes the calls and prints the result; returns the exit code. */
  abstract int run(Connection c);

  @Override
  public final Integer call() {
    Bmctl root = (Bmctl) spec.root().userObject();
    try (Connection c = root.connect()) {
      try {
        return run(c);
      } catch (StatusRuntimeException e) {
        err().println(ErrorReport.line(e, c.endpoint));
        return ExitCodes.of(e.getStatus().getCode());
      }
    } catch (UsageException e) {
      err().println("bmctl: " + e.getMessage());
      return ExitCodes.USAGE;
    } finally {
      out().flush();
      err().flush();
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Prints the message as JSON with {@code -o json}, else as {@code table} renders it. */
  <M extends MessageOrBuilder> int print(M message, Consumer<Table> table) {
    if (output == Format.json) {
      out().println(json(message, false));
    } else {
      Table t = new Table();
      table.accept(t);
      t.print(out());
    }
    return ExitCodes.OK;
  }

  static String json(MessageOrBuilder message, boolean oneLine) {
    JsonFormat.Printer p = JsonFormat.printer();
    try {
      return (oneLine ? p.omittingInsignificantWhitespace() : p).print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("an API message always prints as JSON", e);
    }
  }
}
