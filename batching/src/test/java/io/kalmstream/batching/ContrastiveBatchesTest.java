package io.kalmstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContrastiveBatchesTest {
  static ContrastivePair pair(String head, String relation, String tail) {
    return ContrastivePair.newBuilder()
        .setHead(head)
        .setRelation(relation)
        .setTail(tail)
        .setHeadRelationText("[" + head + ", " + relation + "]")
        .setTailText("{" + tail + "}")
        .setInverse(TextViews.isInverse(relation))
        .build();
  }

  @Test
  void masksColumnsWhoseTailIsAnotherKnownAnswerOfTheRow() {
    InMemoryKnownFacts facts = new InMemoryKnownFacts();
    facts.add("cat", "is_a", "animal");
    facts.add("cat", "is_a", "pet");
    facts.add("dog", "is_a", "pet");
    List<ContrastivePair> pairs =
        List.of(
            pair("cat", "is_a", "animal"),
            pair("dog", "is_a", "pet"),
            pair("oak", "is_a", "tree"),
            // inverse of (cat, is_a, animal): answers of (animal, inverse is_a, ?) are the heads
            // with tail animal
            pair("animal", "inverse is_a", "dog"));
    ContrastiveBatch batch =
        ContrastiveBatches.assemble("b1", pairs, facts, Instant.ofEpochMilli(7));
    // row 0 (cat, is_a): column 1's tail "pet" is a known answer
    assertEquals(List.of(List.of(1), List.of(), List.of(), List.of()), batch.getFalseNegatives());

    facts.add("dog", "is_a", "animal");
    // now "dog" answers (animal, inverse is_a, ?) but it is pair 3's own tail; nothing else changes
    // for row 3
    assertEquals(List.of(), ContrastiveBatches.falseNegatives(pairs, facts).get(3));
    facts.add("cat", "is_a", "tree");
    assertEquals(List.of(1, 2), ContrastiveBatches.falseNegatives(pairs, facts).get(0));
    facts.retract("cat", "is_a", "pet");
    assertEquals(List.of(2), ContrastiveBatches.falseNegatives(pairs, facts).get(0));
  }

  @Test
  void inverseRowsAreMaskedFromTheForwardFacts() {
    InMemoryKnownFacts facts = new InMemoryKnownFacts();
    facts.add("cat", "is_a", "animal");
    facts.add("dog", "is_a", "animal");
    List<ContrastivePair> pairs =
        List.of(pair("animal", "inverse is_a", "cat"), pair("x", "r", "dog"));
    assertEquals(List.of(List.of(1), List.of()), ContrastiveBatches.falseNegatives(pairs, facts));
  }

  @Test
  void refusesRepeatedTails() {
    List<ContrastivePair> pairs = List.of(pair("a", "r", "t"), pair("b", "r", "t"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ContrastiveBatches.assemble("b", pairs, (h, r) -> List.of(), Instant.EPOCH));
  }

  @Test
  void packerDefersPairsWhoseTailIsTakenToTheNextBatch() {
    DistinctTailPacker packer = new DistinctTailPacker();
    packer.add(pair("a", "r", "t1"));
    packer.add(pair("b", "r", "t1"));
    packer.add(pair("c", "r", "t2"));
    assertTrue(packer.canFill(2));
    assertFalse(packer.canFill(3));
    List<ContrastivePair> first = packer.take(3);
    assertEquals(List.of("a", "c"), first.stream().map(ContrastivePair::getHead).toList());
    assertEquals(List.of("b"), packer.pending().stream().map(ContrastivePair::getHead).toList());
    packer.add(pair("d", "inverse r", "e"));
    assertEquals(1, packer.removeTriple("e\tr\td"));
    assertEquals(1, packer.pending().size());
  }
}
