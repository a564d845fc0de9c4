package io.kalmstream.schemas.registry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach a schema registry that speaks the Confluent REST API (Confluent, Apicurio's {@code
 * /apis/ccompat/v7}, Karapace, Redpanda).
 *
 * @param url base URL of the Confluent API, e.g. {@code http://127.0.0.1:8081} or {@code
 *     http://127.0.0.1:8080/apis/ccompat/v7}
 * @param autoRegister whether serializers register a record's schema under its subject when it is
 *     not there yet; when off they only look the schema up and fail if it is missing (the usual
 *     setting in production, where schemas are registered by a deployment step)
 * @param requestTimeout limit for one HTTP request, so an unreachable registry gives an error
 *     instead of a hang
 * @param userInfo {@code user:password} sent as HTTP basic authentication, or null for none
 *     (Confluent's {@code basic.auth.user.info})
 * @param tls the trust store (and key store, for mutual TLS) of an {@code https} registry, or null
 *     for the JVM's default trust
 */
public record RegistryConfig(
    String url, boolean autoRegister, Duration requestTimeout, String userInfo, RegistryTls tls)
    implements Serializable {
  /** Confluent's key for the registry URL, so existing client configurations work unchanged. */
  public static final String URL_CONFIG = "schema.registry.url";

  public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "kalm.registry.request.timeout.ms";
  public static final String CREDENTIALS_SOURCE_CONFIG = "basic.auth.credentials.source";
  public static final String USER_INFO_CONFIG = "basic.auth.user.info";
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public RegistryConfig {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("schema registry url must be set (" + URL_CONFIG + ")");
    }
    url = url.strip().replaceAll("/+$", "");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException(
          "schema registry url must start with http:// or https://, got " + url);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
    }
    if (userInfo != null && (userInfo.isBlank() || !userInfo.contains(":"))) {
      throw new IllegalArgumentException(USER_INFO_CONFIG + " must have the form user:password");
    }
  }

  public RegistryConfig(String url, boolean autoRegister, Duration requestTimeout) {
    this(url, autoRegister, requestTimeout, null, null);
  }

  /** Auto-registration on and the default timeout: the embedded-mode setting. */
  public static RegistryConfig of(String url) {
    return new RegistryConfig(url, true, DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * Reads {@value #URL_CONFIG}, {@value #AUTO_REGISTER_CONFIG}, {@value
   * #REQUEST_TIMEOUT_MS_CONFIG}, {@value #USER_INFO_CONFIG} (with {@value
   * #CREDENTIALS_SOURCE_CONFIG} {@code USER_INFO}) and the {@code schema.registry.ssl.*} stores
   * from Kafka-style configs, with Confluent's key names.
   */
  public static RegistryConfig fromMap(Map<String, ?> configs) {
    Object url = configs.get(URL_CONFIG);
    if (url == null) {
      throw new IllegalArgumentException("missing config " + URL_CONFIG);
    }
    Object autoRegister = configs.get(AUTO_REGISTER_CONFIG);
    Object timeoutMs = configs.get(REQUEST_TIMEOUT_MS_CONFIG);
    return new RegistryConfig(
        url.toString(),
        autoRegister == null || Boolean.parseBoolean(autoRegister.toString()),
        timeoutMs == null
            ? DEFAULT_REQUEST_TIMEOUT
            : Duration.ofMillis(Long.parseLong(timeoutMs.toString())),
        userInfo(configs),
        RegistryTls.fromMap(configs));
  }

  private static String userInfo(Map<String, ?> configs) {
    Object source = configs.get(CREDENTIALS_SOURCE_CONFIG);
    Object info = configs.get(USER_INFO_CONFIG);
    if (source != null && !"USER_INFO".equalsIgnoreCase(source.toString())) {
      throw new IllegalArgumentException(
          CREDENTIALS_SOURCE_CONFIG + " " + source + " is not supported; use USER_INFO");
    }
    return info == null || info.toString().isBlank() ? null : info.toString();
  }

  /**
   * The keys {@link #fromMap} reads, so a shared client configuration can be split between Kafka
   * and the registry.
   */
  public static boolean isRegistryKey(String key) {
    return key.equals(URL_CONFIG)
        || key.equals(AUTO_REGISTER_CONFIG)
        || key.equals(REQUEST_TIMEOUT_MS_CONFIG)
        || key.equals(CREDENTIALS_SOURCE_CONFIG)
        || key.equals(USER_INFO_CONFIG)
        || key.startsWith(RegistryTls.PREFIX);
  }

  /** These settings with the registry keys of {@code configs} ({@link #isRegistryKey}) on top. */
  public RegistryConfig withSettings(Map<String, ?> configs) {
    Map<String, Object> merged = new java.util.HashMap<>(toMap());
    merged.putAll(configs);
    return fromMap(merged);
  }

  public RegistryConfig withAutoRegister(boolean enabled) {
    return new RegistryConfig(url, enabled, requestTimeout, userInfo, tls);
  }

  public RegistryConfig withRequestTimeout(Duration timeout) {
    return new RegistryConfig(url, autoRegister, timeout, userInfo, tls);
  }

  public RegistryConfig withCredentials(String newUserInfo, RegistryTls newTls) {
    return new RegistryConfig(url, autoRegister, requestTimeout, newUserInfo, newTls);
  }

  /** The same settings as Kafka client configs, for serdes created by class name. */
  public Map<String, String> toMap() {
    Map<String, String> out =
        new java.util.HashMap<>(
            Map.of(
                URL_CONFIG,
                url,
                AUTO_REGISTER_CONFIG,
                Boolean.toString(autoRegister),
                REQUEST_TIMEOUT_MS_CONFIG,
                Long.toString(requestTimeout.toMillis())));
    if (userInfo != null) {
      out.put(CREDENTIALS_SOURCE_CONFIG, "USER_INFO");
      out.put(USER_INFO_CONFIG, userInfo);
    }
    if (tls != null) {
      out.putAll(tls.toMap());
    }
    return out;
  }

  /** Without the password, which must never reach a log. */
  @Override
  public String toString() {
    return "RegistryConfig[url="
        + url
        + ", autoRegister="
        + autoRegister
        + ", requestTimeout="
        + requestTimeout
        + ", userInfo="
        + (userInfo == null ? "none" : userInfo.substring(0, userInfo.indexOf(':')) + ":[hidden]")
        + ", tls="
        + tls
        + "]";
  }
}
