package io.kalmstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker and a real schema registry side by side, for tests and for {@code kalm
 * local}.
 *
 * <p>In tests, share one instance per JVM, since the registry takes several seconds to boot:
 *
 * <pre>{@code
 * class MyIT {
 *   static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
 *
 *   @Test void roundTrip() {
 *     RUNTIME.createTopics(List.of(new NewTopic("t", 1, (short) 1)));
 *     props.put("bootstrap.servers", RUNTIME.bootstrapServers());
 *     RegistryConfig registry = RegistryConfig.of(RUNTIME.registryUrl());
 *   }
 * }
 * }</pre>
 *
 * The shared instance lives under {@code target/kalm-runtime-*} (a temporary directory outside a
 * Maven module) and is stopped and deleted when the JVM exits. Use distinct topic names per test
 * class, as they share the broker. For a runtime of your own (for example to restart it on the same
 * directory), use {@link #start(Path)} in try-with-resources.
 */
public final class KafkaAndRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAndRegistry.class);
  private static KafkaAndRegistry shared;
  private static RuntimeException sharedStartFailure;

  private final EmbeddedKafkaBroker broker;
  private final ApicurioRegistry registry;
  private final Path workDir;
  private final boolean deleteOnClose;
  private final EmbeddedSecurity security;
  private final SecuredRegistryFront registryFront;

  private KafkaAndRegistry(
      EmbeddedKafkaBroker broker,
      ApicurioRegistry registry,
      Path workDir,
      boolean deleteOnClose,
      EmbeddedSecurity security,
      SecuredRegistryFront registryFront) {
    this.broker = broker;
    this.registry = registry;
    this.security = security;
    this.registryFront = registryFront;
    this.workDir = workDir;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts both with their data in {@code workDir} (kept on close, so a later start resumes it).
   */
  public static KafkaAndRegistry start(Path workDir) {
    return start(workDir, ApicurioRegistry.Options.defaults(), false, false);
  }

  public static KafkaAndRegistry start(Path workDir, ApicurioRegistry.Options registryOptions) {
    return start(workDir, registryOptions, false, false);
  }

  /**
   * Starts both on fixed ports (0: a free one), so that processes outside this one reconnect when
   * it is restarted on the same directory ({@code kalm runtime}).
   */
  public static KafkaAndRegistry start(
      Path workDir, int kafkaPort, ApicurioRegistry.Options registryOptions) {
    return start(workDir, registryOptions, false, false, kafkaPort);
  }

  /**
   * Starts both secured: the broker with SASL/PLAIN over TLS as its only listeners, the registry
   * behind an HTTPS front with basic authentication ({@link EmbeddedSecurity}, certificates under
   * {@code workDir/security}).
   */
  public static KafkaAndRegistry startSecured(Path workDir) {
    return start(workDir, ApicurioRegistry.Options.defaults(), false, true);
  }

  /**
   * One runtime per JVM, started on first use in a fresh directory and removed at JVM exit. A
   * failed start is remembered, so the test classes after the first fail at once with the same
   * cause instead of waiting again.
   */
  @SuppressWarnings("StaticAssignmentOfThrowable") // the remembered failure, see above
  public static synchronized KafkaAndRegistry shared() {
    if (sharedStartFailure != null) {
      throw new IllegalStateException(
          "the shared runtime failed to start earlier: " + sharedStartFailure.getMessage(),
          sharedStartFailure);
    }
    if (shared == null) {
      try {
        shared = start(freshWorkDir(), ApicurioRegistry.Options.defaults(), true, false);
      } catch (RuntimeException e) {
        sharedStartFailure = e;
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kalm-runtime-shutdown"));
    }
    return shared;
  }

  private static KafkaAndRegistry start(
      Path workDir,
      ApicurioRegistry.Options registryOptions,
      boolean deleteOnClose,
      boolean secured) {
    return start(workDir, registryOptions, deleteOnClose, secured, 0);
  }

  private static KafkaAndRegistry start(
      Path workDir,
      ApicurioRegistry.Options registryOptions,
      boolean deleteOnClose,
      boolean secured,
      int kafkaPort) {
    EmbeddedSecurity security = secured ? EmbeddedSecurity.in(workDir.resolve("security")) : null;
    // The registry boots for several seconds in its own process; the broker starts meanwhile.
    ApicurioRegistry registry = ApicurioRegistry.starting(workDir, registryOptions);
    EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(workDir, Map.of(), security, kafkaPort);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    try {
      registry.awaitReady(registryOptions);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    SecuredRegistryFront front =
        security == null ? null : SecuredRegistryFront.start(security, registry.baseUrl());
    KafkaAndRegistry runtime =
        new KafkaAndRegistry(broker, registry, workDir, deleteOnClose, security, front);
    LOG.info(
        "Runtime ready in {}: Kafka {}{}, registry {}",
        workDir,
        broker.bootstrapServers(),
        secured ? " (SASL_SSL)" : "",
        runtime.registryUrl());
    return runtime;
  }

  private static Path freshWorkDir() {
    try {
      Path target = Path.of("target");
      return Files.isDirectory(target)
          ? Files.createTempDirectory(target.toAbsolutePath(), "kalm-runtime-")
          : Files.createTempDirectory("kalm-runtime-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory for the embedded runtime", e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /**
   * URL of the Confluent Schema Registry API, for {@code schema.registry.url}; https when secured.
   */
  public String registryUrl() {
    return registryFront == null
        ? registry.confluentApiUrl()
        : registryFront.url() + ApicurioRegistry.CONFLUENT_API_PATH;
  }

  /**
   * Security settings every Kafka client needs on top of {@link #bootstrapServers()}; empty when
   * plaintext.
   */
  public Map<String, String> clientProperties() {
    return broker.clientProperties();
  }

  /** The certificates and credentials of a secured runtime, or null. */
  public EmbeddedSecurity security() {
    return security;
  }

  public EmbeddedKafkaBroker broker() {
    return broker;
  }

  public ApicurioRegistry registry() {
    return registry;
  }

  public Path workDir() {
    return workDir;
  }

  /** Creates the topics that do not exist yet. */
  public void createTopics(Collection<NewTopic> topics) {
    broker.createTopics(topics);
  }

  @Override
  public synchronized void close() {
    if (registryFront != null) {
      registryFront.close();
    }
    try {
      broker.close();
    } finally {
      registry.close();
    }
    if (deleteOnClose) {
      try {
        ApicurioDistribution.deleteRecursively(workDir);
      } catch (IOException e) {
        LOG.warn("Cannot delete {}: {}", workDir, e.toString());
      }
    }
  }
}
