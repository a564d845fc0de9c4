package io.kalmstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry, run as a child process from the packaged application ({@link
 * ApicurioDistribution}) on a Java 21+ runtime ({@link JavaRuntimes}). Clients use its
 * Confluent-compatible API at {@link #confluentApiUrl()}. Schemas are kept in an H2 file database
 * under {@code workDir/registry}, so a registry started again on the same work directory serves the
 * same schema ids — records already in Kafka stay readable.
 *
 * <p>The process is stopped by {@link #close()} and, should the JVM exit first, by a shutdown hook;
 * a registry left behind by a JVM that was killed is found through its pid file and stopped at the
 * next start on the same work directory.
 */
public final class ApicurioRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);

  /** Path of the Confluent Schema Registry API in Apicurio 3. */
  public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

  private static final int MIN_JAVA = 21;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How the registry is started.
   *
   * @param port HTTP port on 127.0.0.1, 0 for a free one
   * @param compatibility global compatibility level set after start (Confluent's default is
   *     BACKWARD; Apicurio's own default, NONE, would accept any change), null to leave it as
   *     stored
   * @param startTimeout how long to wait for the API to answer
   * @param maxHeap the registry JVM's -Xmx, e.g. "384m"
   */
  public record Options(int port, String compatibility, Duration startTimeout, String maxHeap) {
    public static Options defaults() {
      return new Options(0, "BACKWARD", Duration.ofMinutes(3), "384m");
    }

    public Options withPort(int newPort) {
      return new Options(newPort, compatibility, startTimeout, maxHeap);
    }

    public Options withCompatibility(String level) {
      return new Options(port, level, startTimeout, maxHeap);
    }

    public Options withStartTimeout(Duration timeout) {
      return new Options(port, compatibility, timeout, maxHeap);
    }
  }

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Thread shutdownHook;
  private boolean closed;

  private ApicurioRegistry(Process process, int port, Path dataDir) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.shutdownHook = new Thread(this::stopProcess, "kalm-registry-shutdown");
  }

  /**
   * Starts a registry with its database in {@code workDir/registry} and waits until its API
   * answers.
   */
  public static ApicurioRegistry start(Path workDir) {
    return starting(workDir, Options.defaults()).awaitReady(Options.defaults());
  }

  public static ApicurioRegistry start(Path workDir, Options options) {
    return starting(workDir, options).awaitReady(options);
  }

  /**
   * Launches the process and returns without waiting, so a caller can start other things (a broker)
   * while the registry boots; call {@link #awaitReady(Options)} before use.
   */
  public static ApicurioRegistry starting(Path workDir, Options options) {
    Path dataDir = workDir.resolve("registry").toAbsolutePath();
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dataDir, e);
    }
    stopLeftover(dataDir);
    Path installDir = ApicurioDistribution.installDir();
    int port = options.port() == 0 ? FreePorts.next() : options.port();
    List<String> command = command(JavaRuntimes.javaExecutable(MIN_JAVA), options, dataDir, port);
    Path log = dataDir.resolve("registry.log");
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(installDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      Files.writeString(pidFile(dataDir), Long.toString(process.pid()));
      ApicurioRegistry registry = new ApicurioRegistry(process, port, dataDir);
      Runtime.getRuntime().addShutdownHook(registry.shutdownHook);
      LOG.info(
          "Starting Apicurio Registry (pid {}) on port {} with data in {}, log {}",
          process.pid(),
          port,
          dataDir,
          log);
      return registry;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the registry: " + String.join(" ", command), e);
    }
  }

  /** Blocks until the Confluent API answers, then applies the configured compatibility level. */
  public ApicurioRegistry awaitReady(Options options) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    try {
      while (!answers(http)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "Apicurio Registry exited with code "
                  + process.exitValue()
                  + " during startup; last log lines:\n"
                  + logTail());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Apicurio Registry did not answer on "
                  + confluentApiUrl()
                  + " within "
                  + options.startTimeout()
                  + "; last log lines:\n"
                  + logTail());
        }
        Thread.sleep(250);
      }
      if (options.compatibility() != null) {
        setGlobalCompatibility(http, options.compatibility());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while waiting for the registry", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("Apicurio Registry ready at {}", confluentApiUrl());
    return this;
  }

  /**
   * Base URL of the Confluent Schema Registry API, e.g. {@code
   * http://127.0.0.1:41234/apis/ccompat/v7}.
   */
  public String confluentApiUrl() {
    return baseUrl() + CONFLUENT_API_PATH;
  }

  /** Root URL of the registry (its own v3 API is under {@code /apis/registry/v3}). */
  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Where the registry's database, pid file and log live. */
  public Path dataDir() {
    return dataDir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the process (SIGTERM, so H2 closes its files; killed if it does not stop in time). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or has run; the process is being stopped either way.
    }
  }

  private synchronized void stopProcess() {
    boolean wasRunning = process.isAlive();
    stop(process.toHandle());
    deletePidFileIfOurs();
    if (wasRunning) {
      LOG.info("Apicurio Registry (pid {}) on port {} stopped", process.pid(), port);
    }
  }

  /**
   * A later registry on the same directory owns the pid file once it has started; leave its file
   * alone.
   */
  private void deletePidFileIfOurs() {
    Path pidFile = pidFile(dataDir);
    try {
      if (Files.isRegularFile(pidFile)
          && Files.readString(pidFile).trim().equals(Long.toString(process.pid()))) {
        Files.delete(pidFile);
      }
    } catch (IOException e) {
      LOG.warn("Cannot delete {}: {}", pidFile, e.toString());
    }
  }

  private static void stop(ProcessHandle handle) {
    if (!handle.isAlive()) {
      return;
    }
    handle.destroy();
    try {
      handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception notStopped) {
      LOG.warn("Registry pid {} did not stop within {}; killing it", handle.pid(), STOP_TIMEOUT);
      handle.destroyForcibly();
      try {
        handle.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.error("Registry pid {} survived SIGKILL", handle.pid());
      }
    }
  }

  private static void stopLeftover(Path dataDir) {
    Path pidFile = pidFile(dataDir);
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      Optional<ProcessHandle> leftover =
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .filter(
                  h ->
                      h.info()
                          .commandLine()
                          .map(c -> c.contains(dataDir.toString()))
                          .orElse(false));
      if (leftover.isPresent()) {
        LOG.warn("Stopping registry pid {} left behind on {} by an earlier run", pid, dataDir);
        stop(leftover.get());
      }
      Files.deleteIfExists(pidFile);
    } catch (IOException | NumberFormatException e) {
      LOG.warn("Ignoring unreadable pid file {}: {}", pidFile, e.toString());
    }
  }

  private static Path pidFile(Path dataDir) {
    return dataDir.resolve("registry.pid");
  }

  private static List<String> command(Path java, Options options, Path dataDir, int port) {
    List<String> c = new ArrayList<>();
    c.add(java.toString());
    c.add("-Xmx" + options.maxHeap());
    // Start-up speed and a small footprint matter more here than peak throughput.
    c.add("-XX:+UseSerialGC");
    c.add("-XX:TieredStopAtLevel=1");
    c.add("-Djava.io.tmpdir=" + dataDir);
    c.add("-Dquarkus.http.host=127.0.0.1");
    c.add("-Dquarkus.http.port=" + port);
    c.add("-Dquarkus.management.host=127.0.0.1");
    c.add("-Dquarkus.management.port=" + FreePorts.next());
    c.add("-Dquarkus.http.access-log.enabled=false");
    // Match schemas by their canonical form, as Confluent's registry does, not by their exact text:
    // a schema
    // registered from a pretty-printed .avsc by another client is then found by a lookup of the
    // same schema.
    c.add("-Dapicurio.ccompat.use-canonical-hash=true");
    c.add("-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.resolve("db/registry"));
    c.add("-Dapicurio.datasource.jdbc.initial-size=2");
    c.add("-Dapicurio.datasource.jdbc.min-size=2");
    c.add("-Dapicurio.datasource.jdbc.max-size=10");
    c.add("-Dapicurio.storage.snapshot.location=" + dataDir);
    c.add("-Dapicurio.import.work-dir=" + dataDir);
    c.add("-jar");
    c.add(ApicurioDistribution.LAUNCHER);
    return c;
  }

  private boolean answers(HttpClient http) throws InterruptedException {
    return HttpReadiness.answers(http, URI.create(confluentApiUrl() + "/subjects"));
  }

  private void setGlobalCompatibility(HttpClient http, String level) throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/config"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"" + level + "\"}"))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "setting compatibility "
                + level
                + " failed: HTTP "
                + response.statusCode()
                + " "
                + response.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "setting compatibility " + level + " on " + confluentApiUrl(), e);
    }
  }

  private String logTail() {
    Path log = dataDir.resolve("registry.log");
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }
}
