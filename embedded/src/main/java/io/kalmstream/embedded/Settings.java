package io.kalmstream.embedded;

import java.nio.file.Path;

/**
 * Reads a setting from a system property first, then from an environment variable.
 *
 * <p>This module reads the environment itself, unlike the other library modules: it is started by
 * the tests of every module (which have no entry point to pass settings in) as well as by {@code
 * kalm local}, and what it reads only locates tools (the registry's archive and the Java runtime it
 * needs) and the cache directory.
 */
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
}
