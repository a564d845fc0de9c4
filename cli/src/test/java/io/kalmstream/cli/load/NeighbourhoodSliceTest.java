package io.kalmstream.cli.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.Triple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The default slice of kalm local: every held-out triple names only entities the training triples
 * name.
 */
class NeighbourhoodSliceTest {

  @Test
  void heldOutTriplesNameOnlyTrainedEntitiesOnWn18rr() throws Exception {
    Path dir = Path.of(System.getProperty("kalm.shared.dir"), "datasets", "wn18rr");
    assumeTrue(Files.isDirectory(dir), "WN18RR not found at " + dir);
    KgDataset wn18rr = KgDatasetReader.read(dir);
    NeighbourhoodSlice a = NeighbourhoodSlice.of(wn18rr, 1000, 100, 7);
    NeighbourhoodSlice b = NeighbourhoodSlice.of(wn18rr, 1000, 100, 7);
    assertEquals(a, b, "deterministic in its seed");
    assertEquals(100, a.heldOut().size());
    assertTrue(a.train().size() >= 1000 && a.train().size() <= 1100, "train " + a.train().size());
    Set<String> trained = new HashSet<>();
    Set<String> trainIds = new HashSet<>();
    for (Triple t : a.train()) {
      trained.add(t.getHead());
      trained.add(t.getTail());
      trainIds.add(TripleIds.of(t));
    }
    Set<String> relations = new HashSet<>();
    for (Triple t : a.heldOut()) {
      assertTrue(
          trained.contains(t.getHead()) && trained.contains(t.getTail()),
          "untrained entity in " + t);
      assertTrue(!trainIds.contains(TripleIds.of(t)), "held out and trained: " + t);
      relations.add(t.getRelation());
    }
    assertTrue(relations.size() >= 3, "the held-out triples spread over relations: " + relations);
    System.out.printf(
        "neighbourhood slice: %d train triples over %d entities, %d held out over %d relations%n",
        a.train().size(), trained.size(), a.heldOut().size(), relations.size());
  }
}
