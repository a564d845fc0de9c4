package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.Triple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Dedup, retraction and its order, and the held-out split, record by record; each test ends with no
 * keyed state and no timer left for the keys it retracted.
 */
class TripleLifecycleTest {

  private static KeyedOneInputStreamOperatorTestHarness<String, KgEvent, KgEvent> harness(
      double heldOut) throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(
            new TripleLifecycle(new HeldOutSplit(heldOut, "s"), Duration.ofMinutes(5))),
        e -> e.key,
        Types.STRING);
  }

  private static void assertNothingHeld(
      KeyedOneInputStreamOperatorTestHarness<String, KgEvent, KgEvent> harness) throws Exception {
    assertEquals(0, HarnessState.keysWith(harness, "status"), "no status left");
    assertEquals(0, HarnessState.keysWith(harness, "added-at"), "no event time left");
    assertEquals(0, harness.numKeyedStateEntries(), "no keyed state left");
    assertEquals(
        0, harness.numEventTimeTimers() + harness.numProcessingTimeTimers(), "no timer left");
  }

  @Test
  void aRepeatedTripleIsForwardedOnceWithItsDeadlineAndARetractionAfterItLeavesNothing()
      throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, KgEvent, KgEvent> harness = harness(0)) {
      harness.open();
      harness.processElement(new StreamRecord<>(triple("a", 1), 1_000));
      harness.processElement(new StreamRecord<>(triple("a", 2), 2_000));
      harness.processElement(new StreamRecord<>(triple("b", 3), 3_000));
      assertEquals(2, HarnessState.keysWith(harness, "status"), "a and b are held");

      List<KgEvent> out = harness.extractOutputValues();
      assertEquals(
          List.of("TRIPLE a", "TRIPLE b"),
          out.stream().map(e -> e.kind + " " + e.triple.getHead()).toList());
      assertEquals(
          1_000 + Duration.ofMinutes(5).toMillis(), out.get(0).deadline, "the first copy's wait");

      harness.processElement(new StreamRecord<>(tombstone("a", 4), 4_000));
      harness.processElement(new StreamRecord<>(tombstone("b", 5), 5_000));
      assertEquals("RETRACTION", harness.extractOutputValues().get(2).kind.toString());
      assertNothingHeld(harness);

      // after its retraction the triple is new again
      harness.processElement(new StreamRecord<>(triple("a", 6), 6_000));
      KgEvent again = harness.extractOutputValues().get(4);
      assertEquals("TRIPLE a", again.kind + " " + again.triple.getHead());
    }
  }

  @Test
  void aHeldOutTripleGoesToTheEvalOutputAndItsTombstoneFollowsIt() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, KgEvent, KgEvent> harness = harness(0)) {
      harness.open();
      harness.processElement(new StreamRecord<>(testSplit(triple("h", 1)), 1_000));
      harness.processElement(new StreamRecord<>(testSplit(triple("h", 2)), 1_500));
      harness.processElement(new StreamRecord<>(tombstone("h", 3), 2_000));
      assertTrue(harness.extractOutputValues().isEmpty(), "nothing held out reaches training");
      List<EvalTriple> eval = new ArrayList<>();
      harness.getSideOutput(TripleLifecycle.EVAL).forEach(r -> eval.add(r.getValue()));
      assertEquals(2, eval.size(), "the triple once, then its tombstone");
      assertNothingHeld(harness);
    }
  }

  private static KgEvent triple(String head, long offset) {
    Triple t = Triple.newBuilder().setHead(head).setRelation("_hypernym").setTail("t").build();
    return KgEvents.of(
        KgEvents.Input.TRIPLES,
        "kg.triples",
        0,
        offset,
        0,
        TripleIds.of(t).getBytes(StandardCharsets.UTF_8),
        new byte[] {1},
        t);
  }

  private static KgEvent testSplit(KgEvent event) {
    event.triple.setSplit("test");
    return event;
  }

  private static KgEvent tombstone(String head, long offset) {
    return KgEvents.of(
        KgEvents.Input.TRIPLES,
        "kg.triples",
        0,
        offset,
        0,
        TripleIds.of(head, "_hypernym", "t").getBytes(StandardCharsets.UTF_8),
        null,
        null);
  }

  @Test
  void tombstonesForUnknownTriplesAndOlderThanTheirTripleAreDeadLettered() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, KgEvent, KgEvent> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new TripleLifecycle(new HeldOutSplit(0, "s"), Duration.ofMinutes(5))),
            e -> e.key,
            Types.STRING)) {
      harness.open();
      harness.processElement(new StreamRecord<>(tombstone("never-seen", 1), 1_000));
      harness.processElement(new StreamRecord<>(triple("a", 2), 10_000));
      harness.processElement(new StreamRecord<>(tombstone("a", 3), 5_000));
      harness.processElement(new StreamRecord<>(triple("b", 4), 10_000));
      harness.processElement(new StreamRecord<>(tombstone("b", 5), 20_000));

      List<String> passed = new ArrayList<>();
      harness.extractOutputValues().forEach(e -> passed.add(e.kind + " " + e.triple.getHead()));
      assertEquals(
          List.of("TRIPLE a", "TRIPLE b", "RETRACTION b"), passed, "a stays, b is retracted");
      List<DeadLetter> dead = new ArrayList<>();
      harness.getSideOutput(IngestDeadLetters.TAG).forEach(r -> dead.add(r.getValue()));
      assertEquals(List.of(1L, 3L), dead.stream().map(DeadLetter::getSourceOffset).toList());
      assertTrue(dead.get(0).getReason().toString().contains("which this job does not hold"));
      assertTrue(
          dead.get(1).getReason().toString().contains("is older than its triple"),
          dead.get(1).getReason());

      harness.processElement(new StreamRecord<>(tombstone("a", 6), 30_000));
      assertEquals(
          "RETRACTION a",
          harness.extractOutputValues().get(3).kind
              + " "
              + harness.extractOutputValues().get(3).triple.getHead(),
          "a later tombstone still retracts it");
      assertNothingHeld(harness);
    }
  }
}
