package io.kalmstream.cli.dashboard;

import java.util.HashMap;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition, by series ({@code name} or {@code name{labels}} as
 * written), enough to read the gauges of another kalm process.
 */
final class PrometheusText {
  private PrometheusText() {}

  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      // The series ends at the last space outside the labels; an optional timestamp may follow the
      // value.
      int labelsEnd = l.lastIndexOf('}');
      int valueStart = l.indexOf(' ', Math.max(labelsEnd, 0));
      if (valueStart < 0) {
        continue;
      }
      String series = l.substring(0, valueStart);
      String[] rest = l.substring(valueStart + 1).strip().split("\\s+");
      try {
        samples.put(series, parseValue(rest[0]));
      } catch (NumberFormatException e) {
        // not a sample line: skip it
      }
    }
    return samples;
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(v);
    };
  }
}
