package io.bmagent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The line every figure is quoted with: these machines are shared, so the load average matters. */
final class Machine {

  private Machine() {}

  static String describe() {
    return String.format("%d cores (%s), %s %s, %s %s; load average %.1f",
        Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version"),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** The machine as the report states it, one item a line. */
  static List<String> details() {
    long memKib = field("/proc/meminfo", "MemTotal:").map(v -> Long.parseLong(v.replaceAll("\\D", ""))).orElse(0L);
    return List.of(
        "CPU: " + Runtime.getRuntime().availableProcessors() + " × " + cpuModel(),
        String.format("memory: %.1f GiB", memKib / (1024.0 * 1024.0)),
        "OS: " + field("/etc/os-release", "PRETTY_NAME=").map(v -> v.replace("\"", "")).orElse("unknown")
            + ", Linux " + System.getProperty("os.version"),
        "JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
  }

  private static String cpuModel() {
    return field("/proc/cpuinfo", "model name").map(v -> v.substring(v.indexOf(':') + 1).trim())
        .orElse(System.getProperty("os.arch"));
  }

  /** What follows {@code prefix} on the first line of {@code file} that starts with it. */
  private static Optional<String> field(String file, String prefix) {
    try (Stream<String> lines = Files.lines(Path.of(file))) {
      return lines.filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
