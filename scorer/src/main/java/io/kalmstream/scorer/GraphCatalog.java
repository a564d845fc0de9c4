package io.kalmstream.scorer;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scorer's in-memory view of the graph, mirrored from the global state stores by the store
 * processors and read by the query, index and evaluation threads: entity and relation texts, the
 * known true answers used for filtering, and the held-out evaluation triples.
 */
final class GraphCatalog {
  private final Map<String, EntityDescription> entities = new ConcurrentHashMap<>();
  private final Map<String, RelationDescription> relations = new ConcurrentHashMap<>();
  private final Map<String, Triple> knownByKey = new ConcurrentHashMap<>();

  /**
   * How many keys state each fact "head\trelation\ttail"; a fact is forgotten when no key states
   * it.
   */
  private final Map<String, Integer> keysPerFact = new ConcurrentHashMap<>();

  /** "head\trelation" → tails, and "tail\trelation" → heads, of every known triple. */
  private final Map<String, Set<String>> tailsOf = new ConcurrentHashMap<>();

  private final Map<String, Set<String>> headsOf = new ConcurrentHashMap<>();

  /** Held-out triples in arrival order, newest last. */
  private final LinkedHashMap<String, Triple> evalTriples = new LinkedHashMap<>();

  void putEntity(EntityDescription entity) {
    entities.put(entity.getId(), entity);
  }

  void removeEntity(String id) {
    entities.remove(id);
  }

  EntityDescription entity(String id) {
    return entities.get(id);
  }

  Collection<EntityDescription> entities() {
    return List.copyOf(entities.values());
  }

  void putRelation(RelationDescription relation) {
    relations.put(relation.getId(), relation);
  }

  void removeRelation(String id) {
    relations.remove(id);
  }

  RelationDescription relation(String id) {
    return relations.get(id);
  }

  /**
   * Records a fact from kg.triples or kg.eval.triples under its key; a null triple retracts the
   * key.
   */
  synchronized void putKnown(String key, Triple triple) {
    Triple previous = triple == null ? knownByKey.remove(key) : knownByKey.put(key, triple);
    if (previous != null) {
      unindex(previous);
    }
    if (triple != null && keysPerFact.merge(fact(triple), 1, Integer::sum) == 1) {
      tailsOf
          .computeIfAbsent(
              pair(triple.getHead(), triple.getRelation()), k -> ConcurrentHashMap.newKeySet())
          .add(triple.getTail());
      headsOf
          .computeIfAbsent(
              pair(triple.getTail(), triple.getRelation()), k -> ConcurrentHashMap.newKeySet())
          .add(triple.getHead());
    }
  }

  private void unindex(Triple t) {
    if (keysPerFact.merge(fact(t), -1, (a, b) -> a + b == 0 ? null : a + b) == null) {
      Set<String> tails = tailsOf.get(pair(t.getHead(), t.getRelation()));
      if (tails != null) {
        tails.remove(t.getTail());
      }
      Set<String> heads = headsOf.get(pair(t.getTail(), t.getRelation()));
      if (heads != null) {
        heads.remove(t.getHead());
      }
    }
  }

  /**
   * Known tails of (head, relation, ?), or known heads of (?, relation, tail) when {@code head} is
   * false.
   */
  Set<String> knownAnswers(String entity, String relation, boolean tailDirection) {
    Set<String> answers = (tailDirection ? tailsOf : headsOf).get(pair(entity, relation));
    return answers == null ? Set.of() : answers;
  }

  /**
   * @return whether the held-out set changed (a restored or repeated record changes nothing)
   */
  synchronized boolean putEval(String key, Triple triple) {
    Triple previous = evalTriples.remove(key);
    if (triple != null) {
      evalTriples.put(key, triple);
    }
    putKnown("eval:" + key, triple);
    return !Objects.equals(previous, triple);
  }

  /** The newest {@code n} evaluation triples, oldest first. */
  synchronized List<Triple> newestEvalTriples(int n) {
    List<Triple> all = new ArrayList<>(evalTriples.values());
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  private static String fact(Triple t) {
    return t.getHead() + '\t' + t.getRelation() + '\t' + t.getTail();
  }

  private static String pair(String entity, String relation) {
    return entity + '\t' + relation;
  }
}
