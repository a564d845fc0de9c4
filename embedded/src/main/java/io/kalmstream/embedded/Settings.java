package io.kalmstream.embedded;

import java.nio.file.Path;

/** Reads a setting from a system property first, then from an environment variable. */
final class Settings {
  private Settings() {}

  static String get(String property, String env) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = System.getenv(env);
    }
    return value == null || value.isBlank() ? null : value.trim();
  }

  static Path path(String property, String env) {
    String value = get(property, env);
    return value == null ? null : Path.of(value);
  }

  /** Where extracted tools are kept between runs: {@code kalm.cache.dir}, {@code KALM_CACHE_DIR}, XDG, ~/.cache. */
  static Path cacheDir() {
    Path explicit = path("kalm.cache.dir", "KALM_CACHE_DIR");
    if (explicit != null) {
      return explicit;
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("kalm-stream");
  }
}
