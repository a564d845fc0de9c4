package io.kalmstream.schemas.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Kafka client settings that every producer, consumer, admin client, Flink source and sink and
 * Kafka Streams instance of the project receives on top of its own: security ({@code
 * security.protocol}, {@code sasl.*}, {@code ssl.*}) and tuning. The project's own essentials
 * (bootstrap servers, serializers, transactional ids, group ids, isolation) are set after these, so
 * a properties file cannot break a guarantee by accident. {@link #toString} masks secrets, so these
 * settings may appear in logs.
 */
public final class ClientProperties implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ClientProperties EMPTY = new ClientProperties(Map.of());
  private static final String MASK = "[hidden]";

  private final TreeMap<String, String> values;

  private ClientProperties(Map<String, String> values) {
    this.values = new TreeMap<>(values);
  }

  public static ClientProperties empty() {
    return EMPTY;
  }

  public static ClientProperties of(Map<String, String> values) {
    return values.isEmpty() ? EMPTY : new ClientProperties(values);
  }

  /** A Java properties file, as Kafka's own tools read with {@code --command-config}. */
  public static ClientProperties load(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read Kafka client properties file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new TreeMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> values.put(name, properties.getProperty(name).strip()));
    return of(values);
  }

  /** These settings with {@code overrides} on top. */
  public ClientProperties with(Map<String, String> overrides) {
    if (overrides.isEmpty()) {
      return this;
    }
    Map<String, String> merged = new TreeMap<>(values);
    merged.putAll(overrides);
    return of(merged);
  }

  /** The settings whose key matches, for example the registry's or the Kafka clients' own. */
  public ClientProperties filter(Predicate<String> key) {
    Map<String, String> kept = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (key.test(k)) {
            kept.put(k, v);
          }
        });
    return of(kept);
  }

  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(values);
  }

  public String get(String key) {
    return values.get(key);
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Puts every setting into a client configuration; call before the client's own settings. */
  public <M extends Map<? super String, ? super String>> M applyTo(M config) {
    config.putAll(values);
    return config;
  }

  /**
   * Whether a key names a secret: passwords, JAAS configurations (which carry them), keys and
   * credentials.
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("secret")
        || k.contains("user.info")
        || k.contains("credentials")
        || k.contains("token")
        || k.endsWith(".key");
  }

  /** The settings with secret values masked, for logs. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    values.forEach(
        (k, v) -> {
          if (out.length() > 1) {
            out.append(", ");
          }
          out.append(k).append('=').append(isSecret(k) ? MASK : v);
        });
    return out.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientProperties other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }
}
