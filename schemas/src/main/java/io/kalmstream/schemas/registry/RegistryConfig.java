package io.kalmstream.schemas.registry;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * How to reach a schema registry that speaks the Confluent REST API (Confluent, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace, Redpanda).
 *
 * @param url base URL of the Confluent API, e.g. {@code http://127.0.0.1:8081} or
 *     {@code http://127.0.0.1:8080/apis/ccompat/v7}
 * @param autoRegister whether serializers register a record's schema under its subject when it is not there yet;
 *     when off they only look the schema up and fail if it is missing (the usual setting in production, where
 *     schemas are registered by a deployment step)
 * @param requestTimeout limit for one HTTP request, so an unreachable registry gives an error instead of a hang
 */
public record RegistryConfig(String url, boolean autoRegister, Duration requestTimeout) implements Serializable {
  /** Confluent's key for the registry URL, so existing client configurations work unchanged. */
  public static final String URL_CONFIG = "schema.registry.url";
  public static final String AUTO_REGISTER_CONFIG = "auto.register.schemas";
  public static final String REQUEST_TIMEOUT_MS_CONFIG = "kalm.registry.request.timeout.ms";
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  /** Environment variables read by {@link #fromEnvironment(String)}. */
  public static final String URL_ENV = "KALM_REGISTRY_URL";
  public static final String AUTO_REGISTER_ENV = "KALM_REGISTRY_AUTO_REGISTER";

  public RegistryConfig {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("schema registry url must be set (" + URL_CONFIG + ")");
    }
    url = url.strip().replaceAll("/+$", "");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new IllegalArgumentException("schema registry url must start with http:// or https://, got " + url);
    }
    if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
    }
  }

  /** Auto-registration on and the default timeout: the embedded-mode setting. */
  public static RegistryConfig of(String url) {
    return new RegistryConfig(url, true, DEFAULT_REQUEST_TIMEOUT);
  }

  /** Reads {@value #URL_CONFIG}, {@value #AUTO_REGISTER_CONFIG} and {@value #REQUEST_TIMEOUT_MS_CONFIG} from Kafka-style configs. */
  public static RegistryConfig fromMap(Map<String, ?> configs) {
    Object url = configs.get(URL_CONFIG);
    if (url == null) {
      throw new IllegalArgumentException("missing config " + URL_CONFIG);
    }
    Object autoRegister = configs.get(AUTO_REGISTER_CONFIG);
    Object timeoutMs = configs.get(REQUEST_TIMEOUT_MS_CONFIG);
    return new RegistryConfig(url.toString(),
        autoRegister == null || Boolean.parseBoolean(autoRegister.toString()),
        timeoutMs == null ? DEFAULT_REQUEST_TIMEOUT : Duration.ofMillis(Long.parseLong(timeoutMs.toString())));
  }

  /** {@code KALM_REGISTRY_URL} and {@code KALM_REGISTRY_AUTO_REGISTER} when set, else the given URL with auto-registration. */
  public static RegistryConfig fromEnvironment(String defaultUrl) {
    String url = System.getenv(URL_ENV);
    String autoRegister = System.getenv(AUTO_REGISTER_ENV);
    return new RegistryConfig(url == null || url.isBlank() ? defaultUrl : url,
        autoRegister == null || autoRegister.isBlank() || Boolean.parseBoolean(autoRegister), DEFAULT_REQUEST_TIMEOUT);
  }

  public RegistryConfig withAutoRegister(boolean enabled) {
    return new RegistryConfig(url, enabled, requestTimeout);
  }

  public RegistryConfig withRequestTimeout(Duration timeout) {
    return new RegistryConfig(url, autoRegister, timeout);
  }

  /** The same settings as Kafka client configs, for serdes created by class name. */
  public Map<String, String> toMap() {
    return Map.of(URL_CONFIG, url, AUTO_REGISTER_CONFIG, Boolean.toString(autoRegister),
        REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout.toMillis()));
  }
}
