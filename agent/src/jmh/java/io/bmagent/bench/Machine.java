package io.bmagent.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
          .orElse(System.getProperty("os.arch"));
    } catch (java.io.IOException e) {
      return System.getProperty("os.arch");
    }
  }
}
