package io.bmagent.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JMH benchmarks' figures from JMH's JSON results ({@code -rf json}): one section per benchmark class, one figure
 * per method, a run being one measurement iteration. What each method means and its goal live here, beside each
 * other, because JMH has no place for them.
 */
final class JmhFigures {

  private record Label(String name, String goal, String note) {}

  private static final Map<String, Label> LABELS = Map.of(
      "NativeCardBenchmark.abiVersion", new Label("one bare JNA call, `bmdpu_abi_version()`", "",
          "the cost of crossing into the card library"),
      "NativeCardBenchmark.hostPowerState", new Label("`host().state()`: SPI, JNA, simulator", "",
          "a control call with a struct out-parameter"),
      "NativeCardBenchmark.applyAndRemove1000Rules", new Label("1,000 rules applied and removed in two batches",
          "", "reconciler-sized batches across JNA"),
      "SoftPipelineBenchmark.establishedHostToUnderlay", new Label("established packet, host to underlay", "<= 300",
          "conntrack hit, cached verdict, VXLAN encapsulation"),
      "SoftPipelineBenchmark.establishedUnderlayToHost", new Label("established packet, underlay to host", "<= 300",
          "VXLAN decapsulation, conntrack hit"),
      "SoftPipelineBenchmark.newFlow", new Label("new flows through the slow path", ">= 100000",
          "ACL and security-group walk, route lookup, conntrack insert; per core"),
      "TableUpdateBenchmark.compileAndApply1000RuleGroup", new Label("compile and apply a 1,000-rule group", "",
          "one change, snapshot published"),
      "TableUpdateBenchmark.upsert100kMappingsIntoEmptyTable", new Label("100,000 mappings into an empty table",
          "< 1000", "one batch, snapshot published"),
      "TableUpdateBenchmark.replace100kMappings", new Label("replace all 100,000 mappings", "",
          "one batch over a full table"));

  private JmhFigures() {}

  /** Sections keyed {@code jmh.<class>}, in the order JMH ran them; empty if JMH did not run. */
  static Map<String, List<Figure>> read(Path json) throws IOException {
    Map<String, List<Figure>> sections = new LinkedHashMap<>();
    if (!Files.exists(json)) {
      return sections;
    }
    for (JsonElement e : JsonParser.parseString(Files.readString(json)).getAsJsonArray()) {
      JsonObject b = e.getAsJsonObject();
      String[] parts = b.get("benchmark").getAsString().split("\\.");
      String key = parts[parts.length - 2] + "." + parts[parts.length - 1];
      JsonObject metric = b.getAsJsonObject("primaryMetric");
      List<Double> runs = new ArrayList<>();
      for (JsonElement fork : metric.getAsJsonArray("rawData")) {
        for (JsonElement v : (JsonArray) fork) {
          runs.add(v.getAsDouble());
        }
      }
      Label label = LABELS.getOrDefault(key, new Label(key, "", ""));
      sections.computeIfAbsent("jmh." + parts[parts.length - 2], k -> new ArrayList<>()).add(new Figure(
          label.name(), metric.get("scoreUnit").getAsString().replace("us/", "µs/"), label.goal(),
          runs.stream().mapToDouble(Double::doubleValue).toArray(), label.note()));
    }
    return sections;
  }
}
