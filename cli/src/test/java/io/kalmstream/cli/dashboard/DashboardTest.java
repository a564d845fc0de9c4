package io.kalmstream.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kalmstream.cli.testing.TestTopics;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.AnisotropyAlert;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.ScoredEntity;
import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import io.kalmstream.trainer.StepResult;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The dashboard server against a real broker and registry and the trainer's real metrics registry:
 * what is on the topics and in the trainer's gauges reaches /api/state, the page and Chart.js are
 * served from the classpath, and the process's own Prometheus endpoint reports the pipeline's
 * gauges. (The scorer side, the query box included, is covered by the end-to-end browser test.)
 */
class DashboardTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void showsWhatIsOnTheTopicsAndInTheTrainersMetrics() throws Exception {
    Topics topics = TestTopics.prefixed("dashboard.");
    RUNTIME.createTopics(topics.newTopics((short) 1));
    Instant now = Instant.now();
    try (KafkaProducer<String, SpecificRecord> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RUNTIME.bootstrapServers()),
            new StringSerializer(),
            new RegistryAvroSerializer<>(RegistryConfig.of(RUNTIME.registryUrl())))) {
      send(
          producer,
          topics.entities(),
          "e1",
          new EntityDescription("e1", "dog", "a domestic animal"));
      send(
          producer,
          topics.relations(),
          "_hypernym",
          new RelationDescription("_hypernym", "hypernym", ""));
      send(producer, topics.metrics(), "20", new ModelQualityMetric(20L, "mrr", 0.125, 50L, now));
      send(
          producer,
          topics.alerts(),
          "ANISOTROPY_HIGH",
          new AnisotropyAlert(
              "ANISOTROPY_HIGH", 20L, null, 0.95, 0.9, "anisotropy 0.95 above 0.9", now));
      send(
          producer,
          topics.checkpoints(),
          "kalm",
          new CheckpointPublished(
              "kalm",
              20L,
              "file:/tmp/ckpt-20",
              Map.of(),
              "stories260K-hf",
              Map.of("loss", 3.5, "temperature", 0.05),
              now));
      send(
          producer,
          topics.queries(),
          "q1",
          LinkPredictionQuery.newBuilder()
              .setQueryId("q1")
              .setEntityId("e1")
              .setRelation("_hypernym")
              .build());
      send(
          producer,
          topics.predictions(),
          "q1",
          new LinkPredictionAnswer(
              "q1", List.of(new ScoredEntity("e2", "canine", 0.9f)), 20L, 12.0, null));
      producer.flush();
    }

    int closedPort = TestTopics.closedPort();
    try (TrainerMetrics trainer = new TrainerMetrics();
        Dashboard dashboard =
            Dashboard.start(
                new Dashboard.Settings(
                    "127.0.0.1",
                    0,
                    io.kalmstream.cli.local.LocalPipeline.connectionOf(RUNTIME),
                    topics,
                    "http://127.0.0.1:" + closedPort,
                    trainer::scrape,
                    Duration.ofMillis(200)))) {
      trainer.stepped(new StepResult(9, 2.0, 3.0, 2.3, 0.048, 1e-4, 0.5, 24, 1000, 1e9, 1.0));
      String base = dashboard.url();
      assertTrue(base.startsWith("http://127.0.0.1:"), base);

      JsonNode state =
          awaitState(
              base,
              s ->
                  s.path("predictions").size() == 1
                      && s.path("training").size() > 0
                      && s.path("rates").size() > 0
                      && s.path("quality").size() == 1
                      && s.path("alerts").size() == 1);
      assertEquals("mrr", state.at("/quality/0/name").asText());
      assertEquals(20, state.at("/quality/0/version").asLong());
      assertEquals("ANISOTROPY_HIGH", state.at("/alerts/0/kind").asText());
      assertEquals(20, state.at("/latestCheckpoint/version").asLong());
      assertEquals(3.5, state.at("/checkpoints/0/metrics/loss").asDouble());
      assertEquals(0.048, state.at("/training/0/temperature").asDouble(), 1e-9);
      assertEquals("dog", state.at("/predictions/0/entityName").asText());
      assertEquals("_hypernym", state.at("/predictions/0/relation").asText());
      assertEquals("canine", state.at("/predictions/0/candidates/0/name").asText());
      assertEquals("hypernym", state.at("/relations/_hypernym").asText());
      assertTrue(
          state.at("/scorer/error").asText().startsWith("unreachable"),
          state.at("/scorer").toString());
      assertTrue(state.path("rates").get(0).path("recordsPerSecond").has("triples in"));

      // A second poll with the cursor returns only what arrived since.
      JsonNode next = get(base + "api/state?cursor=" + state.path("cursor").asLong());
      assertEquals(0, next.path("quality").size());
      assertEquals(0, next.path("alerts").size());

      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(base)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(page.body().contains("<canvas id=\"chart-quality\">"));
      HttpResponse<String> chartJs =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "static/chart.umd.js")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, chartJs.statusCode());
      assertTrue(chartJs.body().contains("Chart.js v4"), chartJs.body().substring(0, 200));

      JsonNode suggestions = get(base + "api/entities?prefix=do");
      assertEquals("e1", suggestions.at("/0/id").asText());

      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          metrics.body().contains("kalm_model_quality{metric=\"mrr\"} 0.125"), metrics.body());
      assertTrue(metrics.body().contains("kalm_checkpoint_version 20.0"), metrics.body());
      assertTrue(
          metrics.body().contains("kalm_alerts{kind=\"ANISOTROPY_HIGH\"} 1.0"), metrics.body());
    }
  }

  private JsonNode awaitState(String base, Predicate<JsonNode> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode state = get(base + "api/state?cursor=0");
    while (!ready.test(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("dashboard state never complete: " + state);
      }
      Thread.sleep(200);
      state = get(base + "api/state?cursor=0");
    }
    return state;
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  private static void send(
      KafkaProducer<String, SpecificRecord> producer,
      TopicSpec topic,
      String key,
      SpecificRecord value) {
    producer.send(new ProducerRecord<>(topic.name(), key, value));
  }
}
