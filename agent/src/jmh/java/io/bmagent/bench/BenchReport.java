package io.bmagent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Renders docs/benchmarks.md from the narrative in a template and the figures the harnesses left in the results
 * directory ({@link Results} files and JMH's {@code jmh.json}). The template marks where generated text goes:
 * {@code {{machine}}} (the machine, the date, the load at the start), {@code {{goals}}} (every figure with a goal,
 * met or not) and {@code {{table:<key>}}} (one harness's figures; the key is the results file's name, or
 * {@code jmh.<class>}). A section the template does not place is appended, so no figure is lost.
 *
 * <p>{@code BenchReport --start DIR} runs first in the bench profile: it empties DIR, so that a report never mixes
 * figures of different runs, and notes the start. {@code BenchReport DIR TEMPLATE OUTPUT} runs last.
 */
public final class BenchReport {

  private static final Pattern PLACE = Pattern.compile("\\{\\{(machine|goals|table:([\\w.]+))}}");
  private static final String START = "run.start";
  private static final Map<String, String> AREAS = Map.ofEntries(
      Map.entry("jmh.NativeCardBenchmark", "native card ABI"),
      Map.entry("jmh.SoftPipelineBenchmark", "soft card network"),
      Map.entry("jmh.TableUpdateBenchmark", "soft card tables"),
      Map.entry("storage", "soft card storage"),
      Map.entry("storage.pinned", "soft card storage, pinned"),
      Map.entry("api", "API"),
      Map.entry("restart", "restart"),
      Map.entry("memory", "memory"),
      Map.entry("budget", "memory budget"),
      Map.entry("delivery", "delivery"),
      Map.entry("metadata", "metadata service"));

  private record Section(String key, String header, List<Figure> figures) {}

  private BenchReport() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("--start")) {
      start(Path.of(args[1]));
    } else if (args.length == 3) {
      Path out = Path.of(args[2]);
      Files.writeString(out, render(Path.of(args[0]), Files.readString(Path.of(args[1]))));
      System.out.println("wrote " + out.toAbsolutePath().normalize());
    } else {
      throw new IllegalArgumentException("usage: BenchReport --start DIR | BenchReport DIR TEMPLATE OUTPUT");
    }
  }

  private static void start(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.writeString(dir.resolve(START), String.format("%s %.2f%n", Instant.now().truncatedTo(ChronoUnit.SECONDS),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
  }

  static String render(Path dir, String template) throws IOException {
    Map<String, Section> sections = inTemplateOrder(sections(dir), template);
    StringBuilder out = new StringBuilder("<!-- Written by io.bmagent.bench.BenchReport (bench/run) from "
        + "docs/benchmarks.template.md and the figures of one run: edit the template, not this file. -->\n\n");
    Matcher m = PLACE.matcher(template);
    List<String> placed = new ArrayList<>();
    while (m.find()) {
      String text;
      if (m.group(1).equals("machine")) {
        text = machine(dir);
      } else if (m.group(1).equals("goals")) {
        text = goals(sections);
      } else {
        placed.add(m.group(2));
        text = table(m.group(2), sections.get(m.group(2)));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(text));
    }
    m.appendTail(out);
    for (Section s : sections.values()) {
      if (!placed.contains(s.key())) {
        out.append("\n## ").append(s.key()).append("\n\n").append(table(s.key(), s));
      }
    }
    return out.toString();
  }

  private static Map<String, Section> sections(Path dir) throws IOException {
    Map<String, Section> sections = new LinkedHashMap<>();
    JmhFigures.read(dir.resolve("jmh.json")).forEach((k, v) -> sections.put(k, new Section(k, null, v)));
    if (!Files.isDirectory(dir)) {
      return sections;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".tsv")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        String key = f.getFileName().toString().replace(".tsv", "");
        sections.put(key, new Section(key, lines.get(0).substring(2),
            lines.stream().skip(1).filter(l -> !l.isBlank()).map(Figure::parse).toList()));
      }
    }
    return sections;
  }

  /** The sections the template places, in its order, then the rest: the goals table follows the document. */
  private static Map<String, Section> inTemplateOrder(Map<String, Section> sections, String template) {
    Map<String, Section> ordered = new LinkedHashMap<>();
    Matcher m = PLACE.matcher(template);
    while (m.find()) {
      if (m.group(2) != null && sections.containsKey(m.group(2))) {
        ordered.put(m.group(2), sections.get(m.group(2)));
      }
    }
    sections.forEach(ordered::putIfAbsent);
    return ordered;
  }

  private static String machine(Path dir) throws IOException {
    Path start = dir.resolve(START);
    String[] s = Files.exists(start) ? Files.readString(start).trim().split(" ") : new String[] {"unknown", "?"};
    StringBuilder b = new StringBuilder();
    b.append("- run started: ").append(when(s[0])).append(", load average ")
        .append(s[1]).append('\n');
    Machine.details().forEach(d -> b.append("- ").append(d).append('\n'));
    return b.toString();
  }

  private static String goals(Map<String, Section> sections) {
    StringBuilder b = new StringBuilder("| area | figure | goal | median | min – max | runs | met |\n"
        + "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Section s : sections.values()) {
      for (Figure f : s.figures()) {
        if (!f.goal().isEmpty()) {
          b.append(String.format("| %s | %s | %s | %s |%n", AREAS.getOrDefault(s.key(), s.key()), f.name(),
              f.goalText(), cells(f)));
        }
      }
    }
    return b.toString();
  }

  private static String table(String key, Section s) {
    if (s == null) {
      String flag = key.startsWith("jmh.") ? "jmh" : key;
      return "Not run in this pass (`-Dbench." + flag + ".skip=true`, or it failed: see the build log).\n";
    }
    StringBuilder b = new StringBuilder();
    if (s.header() != null) {
      // "started <instant> load <average>", as Results writes it.
      String[] h = s.header().split(" ");
      b.append("Started ").append(when(h[1])).append(", load average ").append(h[3]).append(".\n\n");
    }
    b.append("| figure | goal | median | min – max | runs | met | note |\n"
        + "| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Figure f : s.figures()) {
      b.append(String.format("| %s | %s | %s | %s |%n", f.name(), f.goalText(), cells(f), f.note()));
    }
    return b.toString();
  }

  private static String when(String instant) {
    return instant.replace('T', ' ').replace("Z", " UTC");
  }

  /** Median, range, number of runs and the verdict, as four cells. */
  private static String cells(Figure f) {
    if (f.skipped()) {
      return "skipped | | 0 | " + (f.goal().isEmpty() ? "" : "not measured");
    }
    String verdict = f.goal().isEmpty() ? "" : f.met() ? "met" : "**not met**";
    return Figure.format(f.median()) + " " + f.unit() + " | " + Figure.format(f.min()) + " – "
        + Figure.format(f.max()) + " | " + f.runs().length + " | " + verdict;
  }
}
