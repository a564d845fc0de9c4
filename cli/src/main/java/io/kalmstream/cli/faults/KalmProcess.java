package io.kalmstream.cli.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One {@code kalm <command>} running as an OS process of its own, on this JVM's class path, that
 * can be killed with SIGKILL and started again with the same arguments. Each start writes its
 * stdout and stderr to a log of its own ({@code <name>-<start>.log}).
 */
final class KalmProcess {
  private static final String MAIN = "io.kalmstream.cli.Kalm";

  /** System properties a child needs to find what this process found (the shared directory). */
  private static final List<String> INHERITED = List.of("kalm.home", "kalm.shared.dir");

  private final String name;
  private final List<String> arguments;
  private final String maxHeap;
  private final Path logDir;
  private final List<Path> logs = new ArrayList<>();
  private Process process;

  KalmProcess(String name, List<String> arguments, String maxHeap, Path logDir) {
    this.name = name;
    this.arguments = List.copyOf(arguments);
    this.maxHeap = maxHeap;
    this.logDir = logDir;
  }

  String name() {
    return name;
  }

  synchronized void start() {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-Dai.djl.offline=true");
    for (String property : INHERITED) {
      String value = System.getProperty(property);
      if (value != null) {
        command.add("-D" + property + "=" + value);
      }
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    command.addAll(arguments);
    Path log = logDir.resolve(name + "-" + (logs.size() + 1) + ".log");
    try {
      Files.createDirectories(logDir);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().put("DJL_OFFLINE", "true");
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start kalm " + arguments.get(0), e);
    }
    logs.add(log);
  }

  /** SIGKILL (Process.destroyForcibly on Unix), then waits until the process is gone. */
  synchronized void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      // the runtime's registry is a child process: the machine it stands for dies with it
      List<ProcessHandle> children = process.descendants().toList();
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Stops the process with SIGTERM, so that its shutdown hooks run. */
  synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  synchronized int exitCode() {
    return process.exitValue();
  }

  synchronized long pid() {
    return process.pid();
  }

  /** Lines of every start's log, oldest start first. */
  List<List<String>> logLines() {
    List<List<String>> lines = new ArrayList<>();
    for (Path log : List.copyOf(logs)) {
      try (Stream<String> stream = Files.lines(log, StandardCharsets.UTF_8)) {
        lines.add(stream.toList());
      } catch (IOException | UncheckedIOException missingOrPartial) {
        lines.add(List.of());
      }
    }
    return lines;
  }

  /** Lines of the current start's log matching {@code pattern}. */
  List<Matcher> currentMatches(Pattern pattern) {
    List<List<String>> all = logLines();
    List<Matcher> matches = new ArrayList<>();
    if (all.isEmpty()) {
      return matches;
    }
    for (String line : all.get(all.size() - 1)) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        matches.add(m);
      }
    }
    return matches;
  }

  List<Path> logs() {
    return List.copyOf(logs);
  }
}
