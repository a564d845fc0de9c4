package io.kalmstream.cli.dashboard;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kalmstream.scorer.QueryStrings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's web server: the page and its assets (Chart.js from its WebJar on the classpath,
 * nothing from the network), {@code /api/state} for the charts, {@code /api/query} and {@code
 * /api/entities} for the query box, and {@code /metrics} for Prometheus.
 */
final class DashboardWeb implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardWeb.class);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(
              new SimpleModule()
                  .addSerializer(Double.class, new FiniteOrNull())
                  .addSerializer(double.class, new FiniteOrNull()));
  private static final String CHART_JS_WEBJAR =
      "META-INF/resources/webjars/chart.js/%s/dist/chart.umd.js";
  private static final Map<String, String> ASSETS =
      Map.of(
          "/", "dashboard/index.html",
          "/static/app.js", "dashboard/app.js",
          "/static/dashboard.css", "dashboard/dashboard.css");
  private static final int SUGGESTIONS = 12;

  private final HttpServer server;
  private final ExecutorService executor;
  private final PipelineState state;
  private final ScorerClient scorer;

  DashboardWeb(
      String host, int port, PipelineState state, ScorerClient scorer, DashboardMetrics metrics)
      throws IOException {
    this.state = state;
    this.scorer = scorer;
    this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "kalm-dashboard-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::asset);
    server.createContext("/static/chart.umd.js", exchange -> resource(exchange, chartJsPath()));
    server.createContext(
        "/api/state",
        exchange ->
            handle(
                exchange,
                q ->
                    JSON.writeValueAsString(
                        state.view(
                            Long.parseLong(q.getOrDefault("cursor", "0")),
                            System.currentTimeMillis()))));
    server.createContext(
        "/api/entities",
        exchange ->
            handle(
                exchange,
                q ->
                    JSON.writeValueAsString(
                        state.suggestEntities(q.getOrDefault("prefix", ""), SUGGESTIONS))));
    server.createContext("/api/query", this::query);
    server.createContext(
        "/metrics",
        exchange ->
            respond(
                exchange,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Where the page is, for the log line and the browser. */
  String url() {
    String host = server.getAddress().getHostString();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
  }

  private interface Body {
    String json(Map<String, String> query) throws Exception;
  }

  private void handle(HttpExchange exchange, Body body) throws IOException {
    try {
      respond(
          exchange,
          200,
          "application/json",
          body.json(parameters(exchange)).getBytes(StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      respond(exchange, 400, "application/json", error(e.getMessage()));
    } catch (Exception e) {
      LOG.warn("dashboard {} failed: {}", exchange.getRequestURI(), e.toString());
      respond(exchange, 502, "application/json", error(e.toString()));
    }
  }

  /**
   * Resolves what was typed (an entity id, an exact entity name, or else free text the scorer
   * embeds as is) and forwards the query to the scorer.
   */
  private void query(HttpExchange exchange) throws IOException {
    handle(
        exchange,
        q -> {
          String typed = q.getOrDefault("entity", "").strip();
          String relation = q.getOrDefault("relation", "").strip();
          if (typed.isEmpty() || relation.isEmpty()) {
            throw new IllegalArgumentException("type an entity and choose a relation");
          }
          Map<String, String> forwarded = new LinkedHashMap<>();
          String entityId = state.resolveEntity(typed);
          forwarded.put(entityId != null ? "entity" : "text", entityId != null ? entityId : typed);
          forwarded.put("relation", relation);
          forwarded.put("direction", q.getOrDefault("direction", "TAIL"));
          forwarded.put("k", q.getOrDefault("k", "10"));
          forwarded.put("filterKnown", q.getOrDefault("filterKnown", "false"));
          HttpResponse<String> answer = scorer.query(forwarded);
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("entityId", entityId);
          out.put("entityName", entityId == null ? typed : state.entityName(entityId));
          out.put("relation", relation);
          out.put("status", answer.statusCode());
          out.put("answer", JSON.readValue(answer.body(), JsonNode.class));
          return JSON.writeValueAsString(out);
        });
  }

  private void asset(HttpExchange exchange) throws IOException {
    String resource = ASSETS.get(exchange.getRequestURI().getPath());
    if (resource == null) {
      respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    resource(exchange, resource);
  }

  private static void resource(HttpExchange exchange, String path) throws IOException {
    try (InputStream in = DashboardWeb.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        respond(
            exchange,
            404,
            "text/plain",
            ("missing resource " + path).getBytes(StandardCharsets.UTF_8));
        return;
      }
      respond(exchange, 200, contentType(path), in.readAllBytes());
    }
  }

  private static String contentType(String path) {
    if (path.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (path.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return path.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream";
  }

  /** The Chart.js file of whichever WebJar version is on the classpath. */
  private static String chartJsPath() throws IOException {
    try (InputStream in =
        DashboardWeb.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      if (in == null) {
        throw new IOException(
            "the Chart.js WebJar (org.webjars.npm:chart.js) is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return String.format(CHART_JS_WEBJAR, p.getProperty("version"));
    }
  }

  private static Map<String, String> parameters(HttpExchange exchange) {
    return QueryStrings.parse(exchange.getRequestURI().getRawQuery());
  }

  private static byte[] error(String message) throws IOException {
    return JSON.writeValueAsBytes(Map.of("error", String.valueOf(message)));
  }

  private static void respond(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** JSON has no NaN or infinity: a value not measured yet is written as null. */
  private static final class FiniteOrNull extends JsonSerializer<Double> {
    @Override
    public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      if (value == null || !Double.isFinite(value)) {
        gen.writeNull();
      } else {
        gen.writeNumber(value);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
