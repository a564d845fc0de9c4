package io.kalmstream.batching;

import java.util.Collection;

/**
 * The facts believed true right now, as the false-negative mask asks for them: a row at a time, the
 * known answers of (head, relation, ?), for forward and inverse relations alike. The answers of an
 * inverse question (t, inverse r, ?) are the heads of the forward facts (?, r, t). Asking by row
 * rather than by cell keeps the mask at N lookups per batch instead of N².
 */
@FunctionalInterface
public interface KnownFacts {

  /** The known answers of (head, relation, ?); empty when there are none. */
  Collection<String> answers(String head, String relation);

  default boolean isKnownAnswer(String head, String relation, String tail) {
    return answers(head, relation).contains(tail);
  }
}
