package io.kalmstream.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The scorer's HTTP endpoints, as the dashboard uses them: its current version, and one synchronous
 * query.
 */
final class ScorerClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param baseUrl for example {@code http://127.0.0.1:8082}
   */
  ScorerClient(String baseUrl) {
    this.baseUrl = baseUrl.replaceAll("/+$", "");
  }

  String baseUrl() {
    return baseUrl;
  }

  PipelineState.ScorerStatus status(long now) throws IOException, InterruptedException {
    JsonNode v = JSON.readTree(get("/api/version", Map.of()).body());
    return new PipelineState.ScorerStatus(
        now,
        v.path("modelVersion").isNumber() ? v.get("modelVersion").asLong() : null,
        v.path("indexedEntities").isNumber() ? v.get("indexedEntities").asInt() : null,
        v.path("anisotropy").isNumber() ? v.get("anisotropy").asDouble() : null,
        null);
  }

  /**
   * The scorer's answer to {@code /api/query} with these parameters: status code and JSON body,
   * unchanged.
   */
  HttpResponse<String> query(Map<String, String> parameters)
      throws IOException, InterruptedException {
    return get("/api/query", parameters);
  }

  private HttpResponse<String> get(String path, Map<String, String> parameters)
      throws IOException, InterruptedException {
    String query =
        parameters.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + path + (query.isEmpty() ? "" : "?" + query)))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 500) {
      throw new IOException(
          "scorer " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response;
  }
}
