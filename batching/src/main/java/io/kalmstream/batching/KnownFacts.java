package io.kalmstream.batching;

/**
 * The set of facts believed true right now, asked by the false-negative mask. Only forward facts
 * are stored; a question about an inverse relation is answered from the forward fact it mirrors.
 */
@FunctionalInterface
public interface KnownFacts {

  /**
   * Whether the forward fact (head, relation, tail) is known; relation never carries the inverse
   * prefix.
   */
  boolean containsForward(String head, String relation, String tail);

  /**
   * Whether {@code tail} is a known answer to (head, relation, ?), for forward and inverse
   * relations alike.
   */
  default boolean isKnownAnswer(String head, String relation, String tail) {
    if (TextViews.isInverse(relation)) {
      return containsForward(tail, TextViews.forwardRelationId(relation), head);
    }
    return containsForward(head, relation, tail);
  }
}
