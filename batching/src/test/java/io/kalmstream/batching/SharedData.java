package io.kalmstream.batching;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates ../shared through the kalm.shared.dir property that surefire sets. */
final class SharedData {
  private SharedData() {}

  static Path dataset(String name) {
    String shared = System.getProperty("kalm.shared.dir");
    Assumptions.assumeTrue(shared != null, "kalm.shared.dir is not set");
    Path dir = Path.of(shared, "datasets", name);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("dataset missing: " + dir);
    }
    return dir;
  }
}
