package io.kalmstream.batching;

import io.kalmstream.schemas.Triple;

/**
 * The key of a triple on kg.triples and kg.eval.triples: head, relation and tail joined by a tab
 * (DESIGN.md).
 */
public final class TripleIds {
  public static final char SEPARATOR = '\t';

  private TripleIds() {}

  public static String of(String head, String relation, String tail) {
    return head + SEPARATOR + relation + SEPARATOR + tail;
  }

  /**
   * The key of a question (head, relation, ?), relation forward or inverse: what the known answers
   * are filed under.
   */
  public static String question(String head, String relation) {
    return head + SEPARATOR + relation;
  }

  public static String of(Triple triple) {
    return of(triple.getHead(), triple.getRelation(), triple.getTail());
  }

  /**
   * Splits a key back into head, relation and tail; rejects keys that do not have exactly three
   * parts.
   */
  public static String[] parts(String tripleId) {
    String[] parts = tripleId.split(String.valueOf(SEPARATOR), -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      throw new IllegalArgumentException(
          "triple id must be head<TAB>relation<TAB>tail, got '" + tripleId + "'");
    }
    return parts;
  }
}
