package io.kalmstream.batching;

import java.util.Optional;

/**
 * What an id and a description must satisfy before they are used; the reason goes to the
 * dead-letter topic otherwise. Control characters (other than tab and line breaks in texts) are
 * refused: they reach prompts and dashboards verbatim and never occur in real descriptions (none in
 * WN18RR or FB15k-237).
 */
public record TextLimits(int maxChars) implements java.io.Serializable {
  public static final int DEFAULT_MAX_CHARS = 4096;

  /** Longest id: Freebase's longest relation path is 146 characters. */
  public static final int MAX_ID_CHARS = 512;

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
    Optional<String> idProblem = idProblem(kind, id);
    if (idProblem.isPresent()) {
      return idProblem;
    }
    String text = TextViews.describe(name, description);
    int control = firstControl(text, true);
    if (control >= 0) {
      return Optional.of(
          String.format(
              "%s %s text has control character U+%04X at %d",
              kind, id, (int) text.charAt(control), control));
    }
    if (text.isBlank()) {
      return Optional.of(kind + " " + id + " has an empty name and description");
    }
    if (text.length() > maxChars) {
      return Optional.of(
          kind + " " + id + " text is oversized: " + text.length() + " chars > " + maxChars);
    }
    return Optional.empty();
  }

  /** Why {@code id} cannot name an entity, a relation or a triple's part, or empty when it can. */
  public static Optional<String> idProblem(String kind, String id) {
    if (id.length() > MAX_ID_CHARS) {
      return Optional.of(kind + " id is oversized: " + id.length() + " chars > " + MAX_ID_CHARS);
    }
    int control = firstControl(id, false);
    return control < 0
        ? Optional.empty()
        : Optional.of(
            String.format(
                "%s id '%s' has control character U+%04X at %d",
                kind, id.substring(0, control), (int) id.charAt(control), control));
  }

  private static int firstControl(String s, boolean lineBreaksAndTabs) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)
          && !(lineBreaksAndTabs && (c == '\t' || c == '\n' || c == '\r'))) {
        return i;
      }
    }
    return -1;
  }
}
