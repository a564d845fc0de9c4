package io.kalmstream.batching;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;

/**
 * The two text views of a triple in KaLM (DESIGN.md): {@code D_hr = "[" + D_h + ", " + D_r + "]"}
 * and {@code D_t = "{" + D_t + "}"}, where each part is truncated to {@code maxTokens} tokens.
 */
public final class TextViews {
  public static final int DEFAULT_MAX_TOKENS = 50;

  /** Prefix of the relation id and the relation text of an inverse triple (t, r^-1, h). */
  public static final String INVERSE_PREFIX = "inverse ";

  private final Truncation truncation;
  private final int maxTokens;

  public TextViews(Truncation truncation, int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    this.truncation = truncation;
    this.maxTokens = maxTokens;
  }

  /**
   * Word-based truncation to 50 words: what the Flink job uses (it has no tokenizer). Every word is
   * at least one token, so this keeps everything a 50-token cut keeps; the trainer and the scorer
   * cut again in tokens.
   */
  public static TextViews defaults() {
    return new TextViews(Truncation.WORDS, DEFAULT_MAX_TOKENS);
  }

  /** "name, description", or the name alone when the description is empty. */
  public static String describe(String name, String description) {
    String n = name == null ? "" : name.strip();
    String d = description == null ? "" : description.strip();
    if (d.isEmpty()) {
      return n;
    }
    return n.isEmpty() ? d : n + ", " + d;
  }

  public static String entityText(EntityDescription entity) {
    return describe(entity.getName(), entity.getDescription());
  }

  /** D_r of a relation, with "inverse " in front for the inverse direction. */
  public static String relationText(RelationDescription relation, boolean inverse) {
    String text = describe(relation.getName(), relation.getDescription());
    return inverse ? INVERSE_PREFIX + text : text;
  }

  public static String inverseRelationId(String relationId) {
    return INVERSE_PREFIX + relationId;
  }

  public static boolean isInverse(String relationId) {
    return relationId.startsWith(INVERSE_PREFIX);
  }

  public static String forwardRelationId(String relationId) {
    return isInverse(relationId) ? relationId.substring(INVERSE_PREFIX.length()) : relationId;
  }

  public String headRelation(String headText, String relationText) {
    return "[" + part(headText) + ", " + part(relationText) + "]";
  }

  public String tail(String tailText) {
    return "{" + part(tailText) + "}";
  }

  /** One part of a view (D_h, D_r or D_t) cut to {@code maxTokens}, unwrapped. */
  public String part(String text) {
    return truncation.truncate(text, maxTokens);
  }
}
