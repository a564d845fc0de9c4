package io.kalmstream.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the Confluent Schema Registry REST API, for Avro schemas. Schemas by id never change,
 * and neither does the id of a schema under a subject, so both are cached for the life of the
 * client; subject listings and latest versions are always asked afresh. Thread-safe. Every request
 * has {@link RegistryConfig#requestTimeout()}; errors come as {@link SchemaRegistryException} (or
 * its subclasses {@link SchemaNotFoundException} and {@link IncompatibleSchemaException}) naming
 * the request and the registry's own message.
 */
public final class SchemaRegistryClient {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryConfig config;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

  private record SubjectSchema(String subject, Schema schema) {}

  private final String authorization;

  public SchemaRegistryClient(RegistryConfig config) {
    this.config = config;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(config.requestTimeout());
    if (config.tls() != null) {
      http.sslContext(config.tls().sslContext());
    }
    this.http = http.build();
    this.authorization =
        config.userInfo() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(config.userInfo().getBytes(StandardCharsets.UTF_8));
  }

  public RegistryConfig config() {
    return config;
  }

  /**
   * Registers {@code schema} under {@code subject} (a no-op returning the existing id when it is
   * already there) and returns its global id.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility rule refuses it
   */
  public int register(String subject, Schema schema) {
    return cachedId(
        subject,
        schema,
        () -> {
          boolean newSubject = !hasVersions(subject);
          int id =
              idIn(
                  send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)),
                  "registering under " + subject);
          if (newSubject) {
            // Some registries answer a subject-level config that was never set with NONE while the
            // global level is
            // BACKWARD; clients that compare the two (kafkajs' register()) then refuse the subject.
            // Stating the level
            // on the subject makes both answers the same.
            String level = compatibilityLevel(null);
            setCompatibilityLevel(subject, level);
            LOG.info("Subject {} created with compatibility {}", subject, level);
          }
          LOG.info(
              "Schema {} registered under subject {} with id {}",
              schema.getFullName(),
              subject,
              id);
          return id;
        });
  }

  /**
   * The id of {@code schema} under {@code subject}, without registering it.
   *
   * @throws SchemaNotFoundException when the subject does not exist or does not hold this schema
   */
  public int idOf(String subject, Schema schema) {
    return cachedId(
        subject,
        schema,
        () ->
            idIn(
                send("POST", "/subjects/" + encode(subject), schemaBody(schema)),
                "looking up under " + subject));
  }

  /**
   * The one path of {@link #register} and {@link #idOf}: the cached id, else {@code fetch}'s
   * checked id, cached.
   */
  private int cachedId(String subject, Schema schema, java.util.function.IntSupplier fetch) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id = fetch.getAsInt();
    remember(key, id);
    return id;
  }

  private int idIn(JsonNode response, String what) {
    int id = response.path("id").asInt(-1);
    if (id < 0) {
      throw new SchemaRegistryException(
          what + " at " + config.url() + " returned no id: " + response, 200, 0, null);
    }
    return id;
  }

  private boolean hasVersions(String subject) {
    try {
      return !versions(subject).isEmpty();
    } catch (SchemaNotFoundException noSuchSubject) {
      return false;
    }
  }

  /**
   * The schema with this global id.
   *
   * @throws SchemaNotFoundException when no schema has this id
   */
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode response = send("GET", "/schemas/ids/" + id, null);
    String type = response.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(
          "schema id " + id + " at " + config.url() + " is " + type + ", not AVRO", 200, 0, null);
    }
    Schema schema = parse(response.path("schema").asText(), "schema id " + id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  /** The newest version registered under {@code subject}. */
  public RegisteredSchema latest(String subject) {
    return version(subject, "latest");
  }

  /** A given version (1, 2, ...) of {@code subject}. */
  public RegisteredSchema version(String subject, int version) {
    return version(subject, Integer.toString(version));
  }

  /** The version numbers under {@code subject}, oldest first. */
  public List<Integer> versions(String subject) {
    List<Integer> versions = new ArrayList<>();
    send("GET", "/subjects/" + encode(subject) + "/versions", null)
        .forEach(v -> versions.add(v.asInt()));
    return versions;
  }

  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
    return subjects;
  }

  /**
   * Whether {@code schema} could be registered under {@code subject}, checked against its latest
   * version under the subject's compatibility rule. A subject with no versions accepts anything.
   */
  public Compatibility checkCompatibility(String subject, Schema schema) {
    JsonNode response;
    try {
      response =
          send(
              "POST",
              "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
              schemaBody(schema));
    } catch (SchemaNotFoundException noVersions) {
      return new Compatibility(true, List.of("subject " + subject + " has no versions yet"));
    }
    List<String> messages = new ArrayList<>();
    response.path("messages").forEach(m -> messages.add(m.asText()));
    return new Compatibility(response.path("is_compatible").asBoolean(false), messages);
  }

  /** The compatibility level of {@code subject}, or the global one when {@code subject} is null. */
  public String compatibilityLevel(String subject) {
    String path =
        subject == null ? "/config" : "/config/" + encode(subject) + "?defaultToGlobal=true";
    return send("GET", path, null).path("compatibilityLevel").asText();
  }

  /**
   * Sets the compatibility level (BACKWARD, FORWARD, FULL, NONE, ...) of {@code subject}, or
   * globally when null.
   */
  public void setCompatibilityLevel(String subject, String level) {
    String path = subject == null ? "/config" : "/config/" + encode(subject);
    String body = JSON.createObjectNode().put("compatibility", level).toString();
    try {
      send("PUT", path, body);
    } catch (IncompatibleSchemaException concurrentFirstWrite) {
      // Apicurio answers 409 "rule already exists" to the loser of two simultaneous first writes
      // of a subject's rule (parallel sink subtasks creating one subject). The rule exists now, so
      // the same request is an update and succeeds.
      LOG.info("Compatibility of {} was being set concurrently; setting it again", subject);
      send("PUT", path, body);
    }
  }

  private RegisteredSchema version(String subject, String version) {
    JsonNode response = send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null);
    Schema schema = parse(response.path("schema").asText(), subject + " version " + version);
    int id = response.path("id").asInt();
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(
        response.path("subject").asText(subject), response.path("version").asInt(), id, schema);
  }

  private void remember(SubjectSchema key, int id) {
    idsBySubjectSchema.putIfAbsent(key, id);
    schemasById.putIfAbsent(id, key.schema());
  }

  private JsonNode send(String method, String path, String body) {
    String what = method + " " + config.url() + path;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(config.url() + path))
            .timeout(config.requestTimeout())
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    request.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response;
    try {
      response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new SchemaRegistryException(
          what + " timed out after " + config.requestTimeout(), 0, 0, e);
    } catch (javax.net.ssl.SSLException e) {
      throw new SchemaRegistryException(
          what
              + " failed, TLS handshake refused (check the registry's trust store): "
              + e.getMessage(),
          0,
          0,
          e);
    } catch (IOException e) {
      throw new SchemaRegistryException(what + " failed, registry unreachable: " + e, 0, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(what + " interrupted", 0, 0, e);
    }
    JsonNode json = parseJson(response.body());
    int status = response.statusCode();
    if (status / 100 == 2) {
      if (json == null) {
        throw new SchemaRegistryException(
            what
                + " returned HTTP "
                + status
                + " with a body that is not JSON: "
                + abbreviate(response.body()),
            status,
            0,
            null);
      }
      return json;
    }
    int errorCode = json == null ? 0 : json.path("error_code").asInt(0);
    String registryMessage =
        json == null
            ? abbreviate(response.body())
            : json.path("message").asText(abbreviate(response.body()));
    String message =
        what
            + " failed: HTTP "
            + status
            + (errorCode != 0 ? " error " + errorCode : "")
            + ": "
            + registryMessage;
    if (status == 401 || status == 403) {
      throw new SchemaRegistryException(
          what
              + " failed: HTTP "
              + status
              + ": the registry refused "
              + (authorization == null
                  ? "a request without credentials (set basic.auth.user.info)"
                  : "the credentials of user "
                      + config.userInfo().substring(0, config.userInfo().indexOf(':'))),
          status,
          errorCode,
          null);
    }
    if (status == 409) {
      throw new IncompatibleSchemaException(message, errorCode);
    }
    if (status == 404) {
      throw new SchemaNotFoundException(message, errorCode);
    }
    throw new SchemaRegistryException(message, status, errorCode, null);
  }

  private static String schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  private static Schema parse(String text, String what) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(
          "the registry's " + what + " is not a valid Avro schema: " + e.getMessage(), 200, 0, e);
    }
  }

  private static JsonNode parseJson(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
