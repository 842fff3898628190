package io.bmagent.lab.target;

import io.bmagent.card.soft.nvmetcp.Polling;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the lab target on its own for demos, e.g. for a Linux host:
 * {@code nvme connect -t tcp -a <address> -s 4420 -n <nqn>}.
 */
@Command(name = "lab-nvme-target", mixinStandardHelpOptions = true,
    description = "Serve one NVMe/TCP subsystem backed by memory or files.")
public final class LabTargetMain implements Callable<Integer> {
  @Option(names = "--port", description = "TCP port (4420 is the IANA NVMe/TCP port)")
  int port = 4420;

  @Option(names = "--nqn", description = "subsystem NQN")
  String nqn = "nqn.2024-01.io.bmagent:lab";

  @Option(names = "--block-size")
  int blockSize = 4096;

  @Option(names = "--memory-mib", description = "add a memory namespace of this many MiB (repeatable)")
  List<Long> memoryMib = List.of();

  @Option(names = "--file", description = "add a file namespace as PATH:MIB (repeatable)")
  List<String> files = List.of();

  @Option(names = "--data-dir", description = "where clones of image files go")
  Path dataDir;

  @Option(names = "--threads", description = "event loops serving the connections (default: ${DEFAULT-VALUE})")
  int threads = TargetOptions.DEFAULT_THREADS;

  @Option(names = "--poll", description = "sleep (in epoll_wait), adaptive (poll a short while after the last event, "
      + "then sleep) or busy (never sleep, a core per loop); default: ${DEFAULT-VALUE}",
      converter = PollingConverter.class)
  Polling poll = Polling.SLEEP;

  static final class PollingConverter implements CommandLine.ITypeConverter<Polling> {
    @Override
    public Polling convert(String value) {
      return Polling.parse(value);
    }
  }

  @Override
  public Integer call() throws Exception {
    NvmeTcpTarget target = new NvmeTcpTarget(new TargetOptions().port(port).dataDir(dataDir).threads(threads)
        .polling(poll));
    Subsystem s = target.addSubsystem(nqn);
    for (long mib : memoryMib) {
      s.addMemoryNamespace(mib << 20, blockSize);
    }
    for (String f : files) {
      int colon = f.lastIndexOf(':');
      s.addFileNamespace(Path.of(f.substring(0, colon)), Long.parseLong(f.substring(colon + 1)) << 20, blockSize);
    }
    int bound = target.start();
    System.out.printf("serving %s with %d namespace(s) on port %d%n", nqn, s.namespaces().size(), bound);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        target.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      stop.countDown();
    }));
    stop.await();
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LabTargetMain()).execute(args));
  }
}
