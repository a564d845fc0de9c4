package io.kalmstream.trainer.eval;

import io.kalmstream.schemas.Triple;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The filtered setting's index: for each (head, relation) the rows of every known tail and for each
 * (tail, relation) the rows of every known head, over all splits. {@link
 * io.kalmstream.model.eval.FilteredRank} removes these rows, except the true answer's own, before
 * reading the rank.
 */
final class KnownAnswers {
  private static final BitSet NONE = new BitSet();

  private final Map<String, BitSet> tailsOf = new HashMap<>();
  private final Map<String, BitSet> headsOf = new HashMap<>();

  /**
   * @param rowOf entity id to embedding row, negative for an entity without one (its facts are
   *     skipped: it can never be ranked, so it never needs removing)
   */
  KnownAnswers(List<List<Triple>> splits, ToIntFunction<String> rowOf) {
    for (List<Triple> split : splits) {
      for (Triple t : split) {
        int head = rowOf.applyAsInt(t.getHead());
        int tail = rowOf.applyAsInt(t.getTail());
        if (head >= 0 && tail >= 0) {
          tailsOf.computeIfAbsent(key(t.getHead(), t.getRelation()), k -> new BitSet()).set(tail);
          headsOf.computeIfAbsent(key(t.getTail(), t.getRelation()), k -> new BitSet()).set(head);
        }
      }
    }
  }

  /** Rows of every known t with (head, relation, t); shared, do not modify. */
  BitSet tails(String head, String relation) {
    return tailsOf.getOrDefault(key(head, relation), NONE);
  }

  /** Rows of every known h with (h, relation, tail); shared, do not modify. */
  BitSet heads(String tail, String relation) {
    return headsOf.getOrDefault(key(tail, relation), NONE);
  }

  private static String key(String entity, String relation) {
    return entity + '\t' + relation;
  }
}
