package io.kalmstream.scorer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kalmstream.schemas.Direction;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP endpoints (JSON; cross-origin calls only from the configured origins):
 *
 * <ul>
 *   <li>{@code GET /api/version}: the version answering queries, index size, anisotropy, last swap
 *       timings
 *   <li>{@code GET /api/metrics}: recent {@code ModelQualityMetric}s, oldest first
 *   <li>{@code GET /api/alerts}: recent alerts
 *   <li>{@code GET /api/predictions}: recent answers
 *   <li>{@code GET
 *       /api/query?entity=ID|text=TEXT&relation=R[&direction=HEAD][&k=10][&filterKnown=true]}: one
 *       synchronous query through the same predictor as the stream
 *   <li>{@code GET /metrics}: Prometheus exposition
 * </ul>
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Longest query string accepted; a free-text entity is bounded further by the scorer's text
   * limit.
   */
  static final int MAX_QUERY_STRING_CHARS = 16 * 1024;

  private final HttpServer server;
  private final ScorerRuntime runtime;
  private final List<String> allowedOrigins;

  public DashboardServer(
      ScorerRuntime runtime, String bindAddress, int port, List<String> allowedOrigins)
      throws IOException {
    this.runtime = runtime;
    this.allowedOrigins = allowedOrigins;
    this.server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "scorer-http");
              t.setDaemon(true);
              return t;
            }));
    ScorerEvents events = runtime.events();
    route("/api/version", q -> version());
    route("/api/metrics", q -> records(events.metricHistory()));
    route("/api/alerts", q -> records(events.alertHistory()));
    route("/api/predictions", q -> records(events.recentAnswers()));
    route(
        "/api/query",
        q -> {
          LinkPredictionAnswer answer = runtime.query(parseQuery(q));
          if (answer.getError() != null) {
            throw new IllegalArgumentException(answer.getError().toString());
          }
          return toJson(answer);
        });
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4", events.registry().scrape()));
    server.start();
    LOG.info(
        "dashboard endpoints on http://{}:{}/api/version",
        server.getAddress().getHostString(),
        port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private interface Handler {
    Object handle(Map<String, String> query);
  }

  private void route(String path, Handler handler) {
    server.createContext(
        path,
        exchange -> {
          String rawQuery = exchange.getRequestURI().getRawQuery();
          if (rawQuery != null && rawQuery.length() > MAX_QUERY_STRING_CHARS) {
            respond(
                exchange,
                414,
                "application/json",
                JSON.writeValueAsString(
                    Map.of(
                        "error",
                        "query string of "
                            + rawQuery.length()
                            + " characters (at most "
                            + MAX_QUERY_STRING_CHARS
                            + ")")));
            return;
          }
          try {
            Object body = handler.handle(QueryStrings.parse(rawQuery));
            respond(exchange, 200, "application/json", JSON.writeValueAsString(body));
          } catch (IllegalArgumentException e) {
            respond(
                exchange,
                400,
                "application/json",
                JSON.writeValueAsString(Map.of("error", e.getMessage())));
          } catch (RuntimeException e) {
            LOG.error("{} failed", exchange.getRequestURI(), e);
            respond(
                exchange,
                500,
                "application/json",
                JSON.writeValueAsString(Map.of("error", String.valueOf(e))));
          }
        });
  }

  private Map<String, Object> version() {
    EntityIndex.Snapshot snapshot = runtime.models().current();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("modelVersion", snapshot.version());
    out.put("indexedEntities", snapshot.size());
    double anisotropy = snapshot.anisotropy();
    out.put("anisotropy", Double.isNaN(anisotropy) ? null : anisotropy);
    ModelManager.SwapTimings swap = runtime.lastSwap();
    if (swap != null) {
      out.put(
          "lastSwap",
          Map.of(
              "version",
              swap.version(),
              "entities",
              swap.entities(),
              "reindexMs",
              swap.reindex().toMillis(),
              "swapMs",
              swap.swap().toMillis()));
    }
    return out;
  }

  static LinkPredictionQuery parseQuery(Map<String, String> q) {
    String relation = q.get("relation");
    if (relation == null) {
      throw new IllegalArgumentException("parameter relation is required");
    }
    try {
      return LinkPredictionQuery.newBuilder()
          .setQueryId(q.getOrDefault("id", "http-" + UUID.randomUUID()))
          .setEntityId(q.get("entity"))
          .setEntityText(q.get("text"))
          .setRelation(relation)
          .setDirection(
              Direction.valueOf(q.getOrDefault("direction", "TAIL").toUpperCase(Locale.ROOT)))
          .setK(Integer.parseInt(q.getOrDefault("k", "10")))
          .setFilterKnown(Boolean.parseBoolean(q.getOrDefault("filterKnown", "false")))
          .build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad query parameter: " + e.getMessage(), e);
    }
  }

  private static List<Object> records(List<? extends SpecificRecord> records) {
    List<Object> out = new ArrayList<>(records.size());
    records.forEach(r -> out.add(toJson(r)));
    return out;
  }

  /** An Avro record as plain JSON values: timestamps in epoch milliseconds, bytes left out. */
  static Object toJson(Object value) {
    if (value instanceof SpecificRecord record) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Schema.Field field : record.getSchema().getFields()) {
        Object v = record.get(field.pos());
        if (!(v instanceof ByteBuffer)) {
          out.put(field.name(), toJson(v));
        }
      }
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(toJson(v)));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), toJson(v)));
      return out;
    }
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    if (value instanceof CharSequence || value instanceof Enum<?>) {
      return value.toString();
    }
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      return null;
    }
    return value;
  }

  private void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin != null && allowedOrigins.contains(origin)) {
      exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
      exchange.getResponseHeaders().set("Vary", "Origin");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
