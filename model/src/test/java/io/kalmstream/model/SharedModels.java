package io.kalmstream.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixtures from the shared directory (system property {@code kalm.shared.dir}, set by
 * surefire).
 */
final class SharedModels {

  private SharedModels() {}

  static Path sharedDir() {
    String dir = System.getProperty("kalm.shared.dir");
    if (dir == null) {
      throw new IllegalStateException(
          "system property kalm.shared.dir is not set (run through Maven)");
    }
    return Path.of(dir);
  }

  static Path stories260K() {
    return sharedDir().resolve("models/stories260K-hf");
  }

  /** The 200 greedy token ids listed in stories260K/EXPECTED.md (its long bracketed id list). */
  static List<Long> expectedGreedyIds() throws IOException {
    String text = Files.readString(sharedDir().resolve("models/stories260K/EXPECTED.md"));
    Matcher list = Pattern.compile("\\[(\\d+(?:,\\s*\\d+){10,})]").matcher(text);
    if (!list.find()) {
      throw new IllegalStateException("EXPECTED.md has no token id list");
    }
    List<Long> ids = new ArrayList<>();
    for (String id : list.group(1).split(",")) {
      ids.add(Long.parseLong(id.trim()));
    }
    return ids;
  }
}
