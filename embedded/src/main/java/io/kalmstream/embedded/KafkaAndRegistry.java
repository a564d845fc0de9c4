package io.kalmstream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker and a real schema registry side by side, for tests and for {@code kalm local}.
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
 * The shared instance lives under {@code target/kalm-runtime-*} (a temporary directory outside a Maven module)
 * and is stopped and deleted when the JVM exits. Use distinct topic names per test class, as they share the broker.
 * For a runtime of your own (for example to restart it on the same directory), use {@link #start(Path)} in
 * try-with-resources.
 */
public final class KafkaAndRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAndRegistry.class);
  private static KafkaAndRegistry shared;
  private static RuntimeException sharedStartFailure;

  private final EmbeddedKafkaBroker broker;
  private final ApicurioRegistry registry;
  private final Path workDir;
  private final boolean deleteOnClose;

  private KafkaAndRegistry(EmbeddedKafkaBroker broker, ApicurioRegistry registry, Path workDir, boolean deleteOnClose) {
    this.broker = broker;
    this.registry = registry;
    this.workDir = workDir;
    this.deleteOnClose = deleteOnClose;
  }

  /** Starts both with their data in {@code workDir} (kept on close, so a later start resumes it). */
  public static KafkaAndRegistry start(Path workDir) {
    return start(workDir, ApicurioRegistry.Options.defaults(), false);
  }

  public static KafkaAndRegistry start(Path workDir, ApicurioRegistry.Options registryOptions) {
    return start(workDir, registryOptions, false);
  }

  /**
   * One runtime per JVM, started on first use in a fresh directory and removed at JVM exit. A failed start is
   * remembered, so the test classes after the first fail at once with the same cause instead of waiting again.
   */
  public static synchronized KafkaAndRegistry shared() {
    if (sharedStartFailure != null) {
      throw new IllegalStateException("the shared runtime failed to start earlier: " + sharedStartFailure.getMessage(),
          sharedStartFailure);
    }
    if (shared == null) {
      try {
        shared = start(freshWorkDir(), ApicurioRegistry.Options.defaults(), true);
      } catch (RuntimeException e) {
        sharedStartFailure = e;
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "kalm-runtime-shutdown"));
    }
    return shared;
  }

  private static KafkaAndRegistry start(Path workDir, ApicurioRegistry.Options registryOptions, boolean deleteOnClose) {
    // The registry boots for several seconds in its own process; the broker starts meanwhile.
    ApicurioRegistry registry = ApicurioRegistry.starting(workDir, registryOptions);
    EmbeddedKafkaBroker broker;
    try {
      broker = EmbeddedKafkaBroker.start(workDir);
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
    LOG.info("Runtime ready in {}: Kafka {}, registry {}", workDir, broker.bootstrapServers(), registry.confluentApiUrl());
    return new KafkaAndRegistry(broker, registry, workDir, deleteOnClose);
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

  /** URL of the Confluent Schema Registry API, for {@code schema.registry.url}. */
  public String registryUrl() {
    return registry.confluentApiUrl();
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
