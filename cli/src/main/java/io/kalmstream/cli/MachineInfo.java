package io.kalmstream.cli;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The machine a benchmark ran on, as its results file records it: cores, memory, CPU model, OS,
 * Java, and the load average, because a figure taken on shared cores means little without it.
 */
record MachineInfo(
    int cores, long memoryBytes, String cpuModel, String os, String java, double loadAverage) {

  static MachineInfo current() {
    long memory =
        ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
            ? os.getTotalMemorySize()
            : -1;
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        memory,
        readCpuModel(),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** The current one-minute load average. */
  static double loadNow() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String readCpuModel() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    try {
      if (Files.isReadable(cpuinfo)) {
        for (String line : Files.readAllLines(cpuinfo)) {
          if (line.startsWith("model name")) {
            return line.substring(line.indexOf(':') + 1).strip();
          }
        }
      }
    } catch (IOException e) {
      // fall through to the JVM's architecture name
    }
    return System.getProperty("os.arch");
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("cores", cores);
    json.put("memory_bytes", memoryBytes);
    json.put("cpu_model", cpuModel);
    json.put("os", os);
    json.put("java", java);
    json.put("load_average_at_start", loadAverage);
    return json;
  }

  /** One line for a Markdown report. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.0f GiB memory, %s, %s; load average %.1f at start",
        cores,
        cpuModel,
        memoryBytes / (1024.0 * 1024 * 1024),
        os,
        java,
        loadAverage);
  }
}
