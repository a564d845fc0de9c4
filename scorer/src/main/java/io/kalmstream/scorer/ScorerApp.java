package io.kalmstream.scorer;

import io.kalmstream.batching.TextViews;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running scorer: the Kafka Streams application around a {@link ScorerRuntime}, plus its HTTP
 * endpoints.
 */
public final class ScorerApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScorerApp.class);

  private final ScorerRuntime runtime;
  private final KafkaStreams streams;
  private final DashboardServer dashboard;

  private ScorerApp(ScorerRuntime runtime, KafkaStreams streams, DashboardServer dashboard) {
    this.runtime = runtime;
    this.streams = streams;
    this.dashboard = dashboard;
  }

  public static ScorerApp start(
      ScorerConfig config, ScorerSerdes serdes, ModelLoader loader, TextViews textViews)
      throws IOException {
    ScorerRuntime runtime = new ScorerRuntime(config, loader, textViews);
    KafkaStreams streams =
        new KafkaStreams(ScorerTopology.build(config, serdes, runtime), streamsProperties(config));
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed; replacing it", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    DashboardServer dashboard = null;
    try {
      dashboard =
          config.httpPort() < 0
              ? null
              : new DashboardServer(
                  runtime, config.httpBindAddress(), config.httpPort(), config.allowedOrigins());
      streams.start();
    } catch (IOException | RuntimeException e) {
      if (dashboard != null) {
        dashboard.close();
      }
      streams.close();
      runtime.close();
      throw e;
    }
    LOG.info("scorer {} started against {}", config.applicationId(), config.bootstrapServers());
    return new ScorerApp(runtime, streams, dashboard);
  }

  private static final int SESSION_TIMEOUT_MS = 10_000;

  static Properties streamsProperties(ScorerConfig config) {
    Properties props = new Properties();
    props.putAll(config.clientProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    props.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        config.exactlyOnce() ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    // Answers are visible to read_committed consumers at each commit: keep it short for query
    // latency.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // A killed instance keeps its query partitions until its session times out, and no query on
    // them is answered meanwhile: 10 s instead of the consumer's 45 s, unless the client
    // properties choose.
    if (!props.containsKey(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)
        && !props.containsKey(
            StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))) {
      props.put(
          StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
          SESSION_TIMEOUT_MS);
      props.put(
          StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG),
          SESSION_TIMEOUT_MS / 4);
    }
    return props;
  }

  public ScorerRuntime runtime() {
    return runtime;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Port of the dashboard endpoints, or -1 when they are disabled. */
  public int httpPort() {
    return dashboard == null ? -1 : dashboard.port();
  }

  @Override
  public void close() {
    if (dashboard != null) {
      dashboard.close();
    }
    streams.close(Duration.ofSeconds(30));
    runtime.close();
  }
}
