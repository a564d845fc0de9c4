package io.kalmstream.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java runtime of a minimum feature version for child processes (the registry needs 21+).
 */
public final class JavaRuntimes {
  private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");
  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");

  private JavaRuntimes() {}

  /**
   * The {@code java} executable for the registry: {@code KALM_REGISTRY_JAVA_HOME} (or {@code
   * -Dkalm.registry.java.home}) when set, else this JVM when it is new enough, else {@code
   * JAVA_HOME}, else the newest suitable JDK under /usr/lib/jvm.
   */
  public static Path javaExecutable(int minFeature) {
    Path explicit = Settings.path("kalm.registry.java.home", "KALM_REGISTRY_JAVA_HOME");
    if (explicit != null) {
      Path java = explicit.resolve("bin/java");
      if (!Files.isExecutable(java)) {
        throw new IllegalStateException(
            "KALM_REGISTRY_JAVA_HOME=" + explicit + " has no executable bin/java");
      }
      return java;
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(System.getProperty("java.home")));
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      candidates.add(Path.of(javaHome));
    }
    for (Path home : candidates) {
      if (featureVersion(home).orElse(0) >= minFeature
          && Files.isExecutable(home.resolve("bin/java"))) {
        return home.resolve("bin/java");
      }
    }
    return newestUnder(JVM_DIR, minFeature)
        .map(home -> home.resolve("bin/java"))
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "No Java "
                        + minFeature
                        + "+ runtime found (checked this JVM, JAVA_HOME and "
                        + JVM_DIR
                        + "); install one or set KALM_REGISTRY_JAVA_HOME"));
  }

  static Optional<Path> newestUnder(Path dir, int minFeature) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(dir)) {
      return homes
          .filter(home -> Files.isExecutable(home.resolve("bin/java")))
          .filter(home -> featureVersion(home).orElse(0) >= minFeature)
          .max(
              Comparator.comparingInt((Path home) -> featureVersion(home).orElse(0))
                  .thenComparing(Path::toString));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The feature version (17, 21, 25, ...) from the JDK's {@code release} file. */
  static Optional<Integer> featureVersion(Path javaHome) {
    Path release = javaHome.resolve("release");
    if (!Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      Matcher m = RELEASE_VERSION.matcher(Files.readString(release));
      return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
