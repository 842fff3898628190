package io.bmagent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One harness's figures, written as {@code <harness>.tsv} into the directory named by {@code bench.results} (the
 * bench profile sets {@code agent/target/bench}) for {@link BenchReport} to render. A figure keeps every run, not a
 * summary, so the report chooses how to quote the spread. Without the property nothing is written: a harness run
 * by hand only prints.
 *
 * <p>The file: a first line {@code # started <instant> load <1-minute load average>}, then one line per figure:
 * name, unit, goal, runs separated by spaces, note, tab-separated. A goal is an operator and a bound in the unit
 * ({@code < 2000}, {@code >= 15000}) judged on the median, or empty. A skipped figure has no runs and says why in
 * its note.
 */
public final class Results {

  private final String harness;
  private final String header;
  private final List<String> lines = new ArrayList<>();

  /** Notes the time and the load average now, at the harness's start, when they describe its conditions. */
  public Results(String harness) {
    this.harness = harness;
    header = String.format("# started %s load %.2f", Instant.now().truncatedTo(ChronoUnit.SECONDS),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  public Results add(String name, String unit, String goal, double[] runs, String note) {
    if (runs.length == 0) {
      throw new IllegalArgumentException(name + ": a figure needs at least one run");
    }
    lines.add(String.join("\t", name, unit, goal,
        Arrays.stream(runs).mapToObj(Double::toString).collect(Collectors.joining(" ")), note));
    return this;
  }

  public Results add(String name, String unit, String goal, List<Double> runs, String note) {
    return add(name, unit, goal, runs.stream().mapToDouble(Double::doubleValue).toArray(), note);
  }

  /** A figure that could not be measured on this machine, with the reason in place of the runs. */
  public Results skip(String name, String unit, String goal, String why) {
    lines.add(String.join("\t", name, unit, goal, "", why));
    return this;
  }

  public void write() throws IOException {
    String dir = System.getProperty("bench.results");
    if (dir == null) {
      return;
    }
    Path file = Path.of(dir, harness + ".tsv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, header + "\n" + String.join("\n", lines) + "\n");
  }
}
