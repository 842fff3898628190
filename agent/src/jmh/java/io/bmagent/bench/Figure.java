package io.bmagent.bench;

import java.util.Arrays;

/**
 * One measured figure and every run of it, as {@link Results} writes it. The median is the figure quoted; the range
 * of the runs is its spread. A goal is judged on the median: a shared machine's worst run says more about its
 * neighbours than about the code.
 */
record Figure(String name, String unit, String goal, double[] runs, String note) {

  /** Parses one line of a {@link Results} file. */
  static Figure parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 5) {
      throw new IllegalArgumentException("not a figure line: " + line);
    }
    double[] runs = f[3].isEmpty() ? new double[0]
        : Arrays.stream(f[3].split(" ")).mapToDouble(Double::parseDouble).toArray();
    return new Figure(f[0], f[1], f[2], runs, f[4]);
  }

  boolean skipped() {
    return runs.length == 0;
  }

  double median() {
    double[] v = sorted();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  double min() {
    return sorted()[0];
  }

  double max() {
    return sorted()[runs.length - 1];
  }

  /** Whether the median meets the goal: {@code <}, {@code <=}, {@code >} or {@code >=} and a bound in the unit. */
  boolean met() {
    String[] g = goal.split(" ");
    double bound = Double.parseDouble(g[1]);
    double m = median();
    return switch (g[0]) {
      case "<" -> m < bound;
      case "<=" -> m <= bound;
      case ">" -> m > bound;
      case ">=" -> m >= bound;
      default -> throw new IllegalArgumentException(name + ": goal " + goal);
    };
  }

  /** The goal as the reader wants it: {@code ≤ 300 ns/op}. */
  String goalText() {
    if (goal.isEmpty()) {
      return "";
    }
    String[] g = goal.split(" ");
    String op = switch (g[0]) {
      case "<=" -> "≤";
      case ">=" -> "≥";
      default -> g[0];
    };
    double bound = Double.parseDouble(g[1]);
    return op + " " + (bound == Math.rint(bound) ? String.format("%,.0f", bound) : format(bound)) + " " + unit;
  }

  /** Three significant figures or so, with thousands separated: what a spread of several per cent deserves. */
  static String format(double v) {
    double a = Math.abs(v);
    String pattern = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
    return String.format(pattern, v);
  }

  private double[] sorted() {
    double[] v = runs.clone();
    Arrays.sort(v);
    return v;
  }
}
