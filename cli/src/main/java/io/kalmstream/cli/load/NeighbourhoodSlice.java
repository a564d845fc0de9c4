package io.kalmstream.cli.load;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.Triple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A laptop-sized part of a knowledge graph whose held-out triples can be predicted from its
 * training triples.
 *
 * <p>The first lines of WN18RR's train.tsv and test.tsv barely meet: of the first 100 test triples
 * almost none names an entity of the first 1,000 training triples, so a model trained on those
 * cannot rank them above chance, whatever it learns. Here the training graph is grown breadth-first
 * from a seeded start among the best-connected entities, taking at most {@link #TRIPLES_PER_ENTITY}
 * triples of each entity so the slice spreads over many relations rather than one hub; then triples
 * are held out from inside it, a held-out triple only while both of its entities keep another
 * training triple. Test and dev triples that fall wholly inside go to the held-out set first.
 * Deterministic in (dataset, limits, seed).
 *
 * @param train the training triples to stream (about {@code trainLimit}: more by the test and dev
 *     triples that fell inside)
 * @param heldOut the held-out triples, each naming only entities that {@code train} names
 */
public record NeighbourhoodSlice(List<Triple> train, List<Triple> heldOut) {

  static final int TRIPLES_PER_ENTITY = 12;

  /** The start is drawn among this many best-connected entities. */
  static final int START_CANDIDATES = 50;

  /**
   * @param trainLimit training triples to stream (negative: the whole training split, nothing
   *     grown)
   * @param heldOutLimit triples to hold out from inside the slice
   */
  public static NeighbourhoodSlice of(
      KgDataset dataset, int trainLimit, int heldOutLimit, long seed) {
    List<Triple> all = dataset.train();
    int wanted =
        trainLimit < 0 ? all.size() : Math.min(all.size(), trainLimit + Math.max(0, heldOutLimit));
    Map<String, List<Integer>> byEntity = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      byEntity.computeIfAbsent(all.get(i).getHead(), k -> new ArrayList<>()).add(i);
      byEntity.computeIfAbsent(all.get(i).getTail(), k -> new ArrayList<>()).add(i);
    }
    Random random = new Random(seed);
    List<String> hubs = new ArrayList<>(byEntity.keySet());
    hubs.sort(Comparator.comparingInt((String e) -> -byEntity.get(e).size()).thenComparing(e -> e));
    List<String> starts = new ArrayList<>(hubs.subList(0, Math.min(START_CANDIDATES, hubs.size())));
    Collections.shuffle(starts, random);

    Set<Integer> chosen = new LinkedHashSet<>();
    Set<String> visited = new HashSet<>();
    Deque<String> frontier = new ArrayDeque<>();
    // a start whose component is exhausted hands over to the next candidate
    for (String start : starts) {
      if (chosen.size() >= wanted) {
        break;
      }
      if (visited.add(start)) {
        frontier.add(start);
      }
      while (!frontier.isEmpty() && chosen.size() < wanted) {
        String entity = frontier.poll();
        List<Integer> triples = new ArrayList<>(byEntity.get(entity));
        Collections.shuffle(triples, random);
        int taken = 0;
        for (int index : triples) {
          if (taken >= TRIPLES_PER_ENTITY || chosen.size() >= wanted) {
            break;
          }
          Triple t = all.get(index);
          if (chosen.add(index)) {
            taken++;
          }
          for (String next : List.of(t.getHead(), t.getTail())) {
            if (visited.add(next)) {
              frontier.add(next);
            }
          }
        }
      }
    }

    List<Triple> slice = new ArrayList<>();
    chosen.forEach(i -> slice.add(all.get(i)));
    Map<String, Integer> degree = new HashMap<>();
    for (Triple t : slice) {
      degree.merge(t.getHead(), 1, Integer::sum);
      degree.merge(t.getTail(), 1, Integer::sum);
    }
    List<Triple> heldOut = new ArrayList<>();
    Set<String> heldIds = new HashSet<>();
    Set<String> trainIds = new HashSet<>();
    slice.forEach(t -> trainIds.add(TripleIds.of(t)));
    int limit = Math.max(0, heldOutLimit);
    for (List<Triple> split : List.of(dataset.test(), dataset.dev())) {
      for (Triple t : split) {
        if (heldOut.size() >= limit) {
          break;
        }
        String id = TripleIds.of(t);
        if (degree.containsKey(t.getHead())
            && degree.containsKey(t.getTail())
            && !trainIds.contains(id)
            && heldIds.add(id)) {
          heldOut.add(t);
        }
      }
    }
    List<Triple> candidates = new ArrayList<>(slice);
    Collections.shuffle(candidates, random);
    Set<String> removed = new HashSet<>();
    for (Triple t : candidates) {
      if (heldOut.size() >= limit) {
        break;
      }
      if (t.getHead().equals(t.getTail())
          || degree.get(t.getHead()) < 2
          || degree.get(t.getTail()) < 2) {
        continue;
      }
      degree.merge(t.getHead(), -1, Integer::sum);
      degree.merge(t.getTail(), -1, Integer::sum);
      removed.add(TripleIds.of(t));
      heldOut.add(t);
    }
    List<Triple> train = new ArrayList<>();
    for (Triple t : slice) {
      if (!removed.contains(TripleIds.of(t))) {
        train.add(t);
      }
    }
    return new NeighbourhoodSlice(train, heldOut);
  }
}
