package io.kalmstream.batching;

import java.util.Optional;

/** What a description must satisfy before it is used; the reason goes to the dead-letter topic otherwise. */
public record TextLimits(int maxChars) implements java.io.Serializable {
  public static final int DEFAULT_MAX_CHARS = 4096;

  public TextLimits {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be >= 1, got " + maxChars);
    }
  }

  public static TextLimits defaults() {
    return new TextLimits(DEFAULT_MAX_CHARS);
  }

  /** Why the text of {@code kind} {@code id} cannot be used, or empty when it can. */
  public Optional<String> problem(String kind, String id, String name, String description) {
    String text = TextViews.describe(name, description);
    if (text.isBlank()) {
      return Optional.of(kind + " " + id + " has an empty name and description");
    }
    if (text.length() > maxChars) {
      return Optional.of(kind + " " + id + " text is oversized: " + text.length() + " chars > " + maxChars);
    }
    return Optional.empty();
  }
}
