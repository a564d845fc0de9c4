package io.kalmstream.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the Hugging Face model directory a command should use. */
public final class ModelDirectory {

  /** The default model, relative to the working directory or to the kalm checkout ({@code kalm.home}). */
  public static final String DEFAULT = "../shared/models/stories260K-hf";

  private ModelDirectory() {}

  /**
   * {@code explicit} when given (it must hold a config.json), else {@link #DEFAULT} resolved against the working
   * directory, then against the system property {@code kalm.home}.
   *
   * @throws IllegalArgumentException naming every place that was tried
   */
  public static Path resolve(Path explicit) {
    if (explicit != null) {
      if (!Files.isRegularFile(explicit.resolve("config.json"))) {
        throw new IllegalArgumentException(explicit + " is not a Hugging Face model directory (no config.json)");
      }
      return explicit;
    }
    List<Path> candidates = new ArrayList<>();
    candidates.add(Path.of(DEFAULT));
    String home = System.getProperty("kalm.home");
    if (home != null && !home.isBlank()) {
      candidates.add(Path.of(home).resolve(DEFAULT));
    }
    for (Path candidate : candidates) {
      if (Files.isRegularFile(candidate.resolve("config.json"))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    List<String> tried = new ArrayList<>();
    candidates.forEach(c -> tried.add(c.toAbsolutePath().normalize().toString()));
    throw new IllegalArgumentException("no --model given and no default model found at " + String.join(" or ", tried));
  }
}
