package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kalmstream.batching.TextViews;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void endpointsReportVersionAnswerQueriesAndExposeMetricsAndAlerts() throws Exception {
    ScorerConfig config =
        ScorerConfig.builder("unused:9092", tmp)
            .anisotropyAboveBase(-1)
            .anisotropyDriftMargin(0.05)
            .mrrRegressionMargin(0.02)
            .checkpointRoot(tmp)
            .build();
    try (ScorerRuntime runtime =
            new ScorerRuntime(config, new TestModelLoader(), TextViews.defaults());
        DashboardServer server =
            new DashboardServer(runtime, "127.0.0.1", 0, List.of("http://dashboard.test"))) {
      runtime.catalog().putRelation(new RelationDescription("r", "related to", ""));
      for (String name : new String[] {"cat", "dog", "lion"}) {
        runtime.catalog().putEntity(new EntityDescription(name, name, "an animal"));
        runtime.models().entityChanged(name);
      }
      runtime.awaitIndexed();
      runtime.awaitMeasured();
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();

      HttpResponse<String> fromDashboard =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/version"))
                  .header("Origin", "http://dashboard.test")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(
          "http://dashboard.test",
          fromDashboard.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
      HttpResponse<String> fromElsewhere =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/version"))
                  .header("Origin", "http://evil.test")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          fromElsewhere.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
          "no wildcard CORS");

      JsonNode version = get(http, base + "/api/version", 200);
      assertEquals(0, version.get("modelVersion").asLong());
      assertEquals(3, version.get("indexedEntities").asInt());

      JsonNode answer = get(http, base + "/api/query?entity=cat&relation=r&k=2", 200);
      assertEquals(2, answer.get("candidates").size());
      assertEquals("cat", answer.get("candidates").get(0).get("entityId").asText());
      assertTrue(answer.get("error").isNull());
      assertEquals(
          "unknown relation nope",
          get(http, base + "/api/query?entity=cat&relation=nope", 400).get("error").asText());
      assertEquals(
          "k out of range: 0 (allowed 1 to 1000)",
          get(http, base + "/api/query?entity=cat&relation=r&k=0", 400).get("error").asText());
      assertTrue(
          get(http, base + "/api/query?text=" + "x".repeat(2001) + "&relation=r", 400)
              .get("error")
              .asText()
              .contains("2001 characters (at most 2000)"));
      assertTrue(
          get(http, base + "/api/query?text=" + "x".repeat(20_000) + "&relation=r", 414)
              .get("error")
              .asText()
              .contains("query string"));
      assertTrue(
          get(http, base + "/api/query?entity=cat", 400)
              .get("error")
              .asText()
              .contains("relation"));
      assertTrue(
          get(http, base + "/api/query?entity=cat&relation=r&k=x", 400)
              .get("error")
              .asText()
              .startsWith("bad query parameter"));

      assertEquals(
          4,
          get(http, base + "/api/predictions", 200).size(),
          "answers with errors count, malformed requests do not");
      JsonNode alerts = get(http, base + "/api/alerts", 200);
      assertEquals(
          "ANISOTROPY_HIGH", alerts.get(0).get("kind").asText(), "threshold -1 always fires");
      assertTrue(alerts.get(0).get("timestamp").isNumber());
      JsonNode metrics = get(http, base + "/api/metrics", 200);
      assertEquals("anisotropy", metrics.get(0).get("name").asText());

      HttpResponse<String> prometheus =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertTrue(
          prometheus.body().contains("kalm_scorer_queries_answered_total 1.0"), prometheus.body());
      assertTrue(
          prometheus.body().contains("kalm_scorer_queries_failed_total 3.0"), prometheus.body());
      assertTrue(prometheus.body().contains("kalm_scorer_indexed_entities 3.0"));
    }
  }

  private static JsonNode get(HttpClient http, String url, int status) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), url + ": " + r.body());
    assertTrue(
        r.headers().firstValue("Access-Control-Allow-Origin").isEmpty(),
        "no CORS header without an origin");
    return JSON.readTree(r.body());
  }
}
