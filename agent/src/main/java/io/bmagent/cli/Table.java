package io.bmagent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Aligned columns for people; the first row is the header. Lines of free text may follow the rows. */
final class Table {

  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  Table header(String... names) {
    rows.add(names);
    return this;
  }

  Table row(Object... cells) {
    rows.add(Arrays.stream(cells).map(c -> c == null || c.toString().isEmpty() ? "-" : c.toString())
        .toArray(String[]::new));
    return this;
  }

  /** A line after the table, e.g. where the next page starts. */
  Table note(String line) {
    notes.add(line);
    return this;
  }

  void print(PrintWriter out) {
    int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.println(line);
    }
    notes.forEach(out::println);
  }
}
