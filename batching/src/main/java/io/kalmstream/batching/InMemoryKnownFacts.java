package io.kalmstream.batching;

import io.kalmstream.schemas.Triple;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Known facts in a hash map from question to answers, each fact filed under its forward question
 * (h, r) and its inverse question (t, inverse r); what the file trainer and the tests use.
 */
public final class InMemoryKnownFacts implements KnownFacts {
  private final Map<String, Set<String>> answers = new HashMap<>();
  private int size;

  /** Returns false when the fact was already known. */
  public boolean add(Triple triple) {
    return add(triple.getHead(), triple.getRelation(), triple.getTail());
  }

  public boolean add(String head, String relation, String tail) {
    if (!answers
        .computeIfAbsent(TripleIds.question(head, relation), q -> new HashSet<>())
        .add(tail)) {
      return false;
    }
    answers
        .computeIfAbsent(
            TripleIds.question(tail, TextViews.inverseRelationId(relation)), q -> new HashSet<>())
        .add(head);
    size++;
    return true;
  }

  /** Returns false when the fact was not known. */
  public boolean retract(String head, String relation, String tail) {
    if (!remove(TripleIds.question(head, relation), tail)) {
      return false;
    }
    remove(TripleIds.question(tail, TextViews.inverseRelationId(relation)), head);
    size--;
    return true;
  }

  public int size() {
    return size;
  }

  @Override
  public Collection<String> answers(String head, String relation) {
    return answers.getOrDefault(TripleIds.question(head, relation), Set.of());
  }

  private boolean remove(String question, String answer) {
    Set<String> known = answers.get(question);
    if (known == null || !known.remove(answer)) {
      return false;
    }
    if (known.isEmpty()) {
      answers.remove(question);
    }
    return true;
  }
}
