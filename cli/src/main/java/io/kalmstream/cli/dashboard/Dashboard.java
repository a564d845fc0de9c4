package io.kalmstream.cli.dashboard;

import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live dashboard: a web page on {@code host:port} whose charts follow the pipeline without
 * reloading. It needs only what any deployment has: the Kafka topics (quality metrics, alerts,
 * checkpoints, queries and answers), the cluster's offsets (throughput, lag), the scorer's HTTP
 * endpoints (current version, queries) and, optionally, the trainer's Prometheus exposition (loss
 * and temperature between checkpoints).
 */
public final class Dashboard implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);

  /**
   * @param host address to listen on (127.0.0.1 unless the page must be reachable from elsewhere)
   * @param port 0 picks a free port
   * @param scorerUrl base URL of the scorer's endpoints, e.g. http://127.0.0.1:8082
   * @param trainerMetrics the trainer's Prometheus text, or null; see {@link #prometheusAt(URI)}
   * @param pollInterval how often offsets, the trainer and the scorer are sampled
   */
  public record Settings(
      String host,
      int port,
      KafkaConnection connection,
      Topics topics,
      String scorerUrl,
      Supplier<String> trainerMetrics,
      Duration pollInterval) {}

  private final KafkaFeed feed;
  private final Admin admin;
  private final ScheduledExecutorService poller;
  private final DashboardWeb web;

  private Dashboard(
      KafkaFeed feed, Admin admin, ScheduledExecutorService poller, DashboardWeb web) {
    this.feed = feed;
    this.admin = admin;
    this.poller = poller;
    this.web = web;
  }

  public static Dashboard start(Settings settings) throws IOException {
    PipelineState state = new PipelineState();
    DashboardMetrics metrics = new DashboardMetrics();
    ScorerClient scorer = new ScorerClient(settings.scorerUrl());
    Topics topics = settings.topics();
    KafkaFeed feed =
        new KafkaFeed(
            settings.connection(),
            topics,
            new SchemaRegistryClient(settings.connection().registry()),
            state);
    Map<String, Object> adminConfig = settings.connection().clientConfig();
    adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "kalm-dashboard-admin");
    Admin admin = Admin.create(adminConfig);
    ScheduledExecutorService poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "kalm-dashboard-poll");
              t.setDaemon(true);
              return t;
            });
    DashboardWeb web = null;
    try {
      feed.start();
      Map<String, String> rateTopics = new LinkedHashMap<>();
      rateTopics.put(topics.triples().name(), "triples in");
      rateTopics.put(topics.contrastiveBatches().name(), "contrastive batches");
      rateTopics.put(topics.predictions().name(), "predictions");
      Pollers pollers = new Pollers(state, admin, rateTopics, settings.trainerMetrics(), scorer);
      long every = settings.pollInterval().toMillis();
      poller.scheduleWithFixedDelay(
          () -> {
            // An exception escaping here would cancel every later poll.
            try {
              pollers.pollAll();
              metrics.refresh(state);
            } catch (RuntimeException e) {
              LOG.warn("dashboard poll failed: {}", e.toString());
            }
          },
          0,
          every,
          TimeUnit.MILLISECONDS);
      web = new DashboardWeb(settings.host(), settings.port(), state, scorer, metrics);
    } catch (IOException | RuntimeException e) {
      poller.shutdownNow();
      feed.close();
      admin.close(Duration.ofSeconds(5));
      throw e;
    }
    Dashboard dashboard = new Dashboard(feed, admin, poller, web);
    LOG.info(
        "dashboard at {} (scorer {}, trainer metrics {})",
        web.url(),
        scorer.baseUrl(),
        settings.trainerMetrics() == null ? "none" : "read");
    return dashboard;
  }

  /** The page's address, e.g. http://127.0.0.1:8080/ */
  public String url() {
    return web.url();
  }

  public int port() {
    return web.port();
  }

  /** Reads a Prometheus endpoint over HTTP, for a trainer running as its own process. */
  public static Supplier<String> prometheusAt(URI metricsUrl) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return () -> {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(metricsUrl).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IOException(metricsUrl + " answered " + response.statusCode());
        }
        return response.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while reading " + metricsUrl, e);
      }
    };
  }

  @Override
  public void close() {
    web.close();
    poller.shutdownNow();
    try {
      poller.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    feed.close();
    admin.close(Duration.ofSeconds(5));
  }
}
