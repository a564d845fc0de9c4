package io.kalmstream.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller) running inside this JVM
 * on free loopback ports. Its log directory lives under the given work directory, so a broker
 * started again on the same directory finds its topics and records again (the storage is only
 * formatted the first time).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir)) {
 *   producerProps.put("bootstrap.servers", broker.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Path logDir;
  private final Map<String, String> clientProperties;
  private final Thread shutdownHook;
  private boolean closed;
  private boolean stopped;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      String bootstrapServers,
      Path logDir,
      Map<String, String> clientProperties) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.logDir = logDir;
    this.clientProperties = Map.copyOf(clientProperties);
    this.shutdownHook = new Thread(this::stopServer, "kalm-kafka-shutdown");
  }

  /** Starts a broker whose data lives in {@code workDir/kafka}; returns once it accepts clients. */
  public static EmbeddedKafkaBroker start(Path workDir) {
    return start(workDir, Map.of());
  }

  /**
   * Starts a broker as {@link #start(Path)} does; {@code overrides} are broker properties (for
   * example {@code log.retention.ms}) applied on top of the embedded defaults.
   */
  public static EmbeddedKafkaBroker start(Path workDir, Map<String, String> overrides) {
    return start(workDir, overrides, null);
  }

  /**
   * Starts a broker as {@link #start(Path, Map)} does; with {@code security} its only listeners
   * speak SASL/PLAIN over TLS, and {@link #clientProperties()} says how to reach it.
   */
  public static EmbeddedKafkaBroker start(
      Path workDir, Map<String, String> overrides, EmbeddedSecurity security) {
    return start(workDir, overrides, security, 0);
  }

  /**
   * Starts a broker as {@link #start(Path, Map, EmbeddedSecurity)} does, with its client listener
   * on {@code port} (0: a free one). A fixed port lets clients that outlive the broker's process
   * reconnect to its restart on the same directory.
   */
  public static EmbeddedKafkaBroker start(
      Path workDir, Map<String, String> overrides, EmbeddedSecurity security, int port) {
    Path logDir = workDir.resolve("kafka").toAbsolutePath();
    int brokerPort = port == 0 ? FreePorts.next() : port;
    int controllerPort = FreePorts.next();
    Map<String, String> config = brokerConfig(logDir, brokerPort, controllerPort);
    if (security != null) {
      config.putAll(security.brokerConfig(brokerPort, controllerPort, CONTROLLER_LISTENER));
    }
    config.putAll(overrides);
    Properties props = new Properties();
    props.putAll(config);
    KafkaConfig kafkaConfig = new KafkaConfig(props);
    formatIfNeeded(logDir);
    KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
    server.startup();
    EmbeddedKafkaBroker broker =
        new EmbeddedKafkaBroker(
            server,
            "127.0.0.1:" + brokerPort,
            logDir,
            security == null ? Map.of() : security.clientProperties());
    Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
    try {
      broker.awaitReady();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    LOG.info("Kafka broker ready on {} with data in {}", broker.bootstrapServers, logDir);
    return broker;
  }

  /**
   * Security settings a client needs on top of {@link #bootstrapServers()}; empty for a plaintext
   * broker.
   */
  public Map<String, String> clientProperties() {
    return clientProperties;
  }

  /** {@code host:port} of the client listener, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker's log directory (topic data and cluster metadata). */
  public Path logDir() {
    return logDir;
  }

  /** A new admin client for this broker; the caller closes it. */
  public Admin admin() {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return Admin.create(config);
  }

  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  public void createTopics(Collection<NewTopic> topics) {
    try (Admin admin = admin()) {
      TopicCreator.createMissing(admin, topics);
    }
  }

  /** Stops the broker and waits for its shutdown; the data stays in {@link #logDir()}. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopServer();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // The hook is running or has run; the server is stopped either way.
    }
  }

  private synchronized void stopServer() {
    if (stopped) {
      return;
    }
    stopped = true;
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Kafka broker on {} stopped", bootstrapServers);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try (Admin admin = admin()) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException notYet) {
          // The broker registers with its controller a moment after startup; ask again.
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Kafka broker on " + bootstrapServers + " not ready after " + READY_TIMEOUT);
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the broker", e);
    }
  }

  private static Map<String, String> brokerConfig(Path logDir, int brokerPort, int controllerPort) {
    Map<String, String> c = new HashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", Integer.toString(NODE_ID));
    c.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    c.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    c.put("controller.listener.names", CONTROLLER_LISTENER);
    c.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    c.put("inter.broker.listener.name", "PLAINTEXT");
    c.put("log.dirs", logDir.toString());
    c.put("offsets.topic.replication.factor", "1");
    c.put("offsets.topic.num.partitions", "3");
    c.put("transaction.state.log.replication.factor", "1");
    c.put("transaction.state.log.min.isr", "1");
    c.put("share.coordinator.state.topic.replication.factor", "1");
    c.put("share.coordinator.state.topic.min.isr", "1");
    c.put("default.replication.factor", "1");
    c.put("min.insync.replicas", "1");
    c.put("group.initial.rebalance.delay.ms", "0");
    // Topics come from TopicCreator with their partitions and cleanup policy, never implicitly from
    // a client.
    c.put("auto.create.topics.enable", "false");
    return c;
  }

  private static void formatIfNeeded(Path logDir) {
    if (Files.isRegularFile(logDir.resolve("meta.properties"))) {
      return; // formatted by an earlier run: keep its cluster id and data
    }
    try {
      Files.createDirectories(logDir);
      Formatter formatter =
          new Formatter()
              .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
              .setNodeId(NODE_ID)
              .setClusterId(Uuid.randomUuid().toString())
              .setControllerListenerName(CONTROLLER_LISTENER)
              .setMetadataLogDirectory(logDir.toString())
              .setDirectories(List.of(logDir.toString()))
              .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
              .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION);
      formatter.run();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + logDir, e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format KRaft storage in " + logDir + ": " + e.getMessage(), e);
    }
  }
}
