package io.bmagent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a Prometheus endpoint over HTTP, parsed from the text format into samples. */
record Scrape(List<Sample> samples, HttpResponse<String> response) {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  static HttpResponse<String> get(URI uri, String method) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
  }

  static Scrape of(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> res = get(uri, "GET");
    assertEquals(200, res.statusCode(), res.body());
    List<Sample> samples = new ArrayList<>();
    for (String line : res.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      double value = Double.parseDouble(line.substring(space + 1));
      int brace = series.indexOf('{');
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0) {
        Matcher m = LABEL.matcher(series.substring(brace + 1, series.lastIndexOf('}')));
        while (m.find()) {
          labels.put(m.group(1), m.group(2));
        }
      }
      samples.add(new Sample(brace >= 0 ? series.substring(0, brace) : series, labels, value));
    }
    return new Scrape(samples, res);
  }

  /** The value of the one sample named {@code name} whose labels include {@code labels}, if there is one. */
  OptionalDouble value(String name, Map<String, String> labels) {
    List<Sample> found = samples.stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
        .toList();
    if (found.size() > 1) {
      throw new AssertionError("several samples match " + name + labels + ": " + found);
    }
    return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value());
  }

  double require(String name, Map<String, String> labels) {
    return value(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + labels + " in\n"
        + response.body()));
  }

  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }
}
