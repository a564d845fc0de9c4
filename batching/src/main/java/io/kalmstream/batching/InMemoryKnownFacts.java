package io.kalmstream.batching;

import io.kalmstream.schemas.Triple;
import java.util.HashSet;
import java.util.Set;

/** Known facts held in a hash set of triple ids; what the file trainer and the tests use. */
public final class InMemoryKnownFacts implements KnownFacts {
  private final Set<String> tripleIds = new HashSet<>();

  /** Returns false when the fact was already known. */
  public boolean add(Triple triple) {
    return add(triple.getHead(), triple.getRelation(), triple.getTail());
  }

  public boolean add(String head, String relation, String tail) {
    return tripleIds.add(TripleIds.of(head, relation, tail));
  }

  /** Returns false when the fact was not known. */
  public boolean retract(String head, String relation, String tail) {
    return tripleIds.remove(TripleIds.of(head, relation, tail));
  }

  public int size() {
    return tripleIds.size();
  }

  @Override
  public boolean containsForward(String head, String relation, String tail) {
    return tripleIds.contains(TripleIds.of(head, relation, tail));
  }
}
