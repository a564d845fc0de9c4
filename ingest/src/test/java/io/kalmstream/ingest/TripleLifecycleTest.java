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

/** Tombstones that cannot be applied in order go to the dead letters, once, and leave the triple as it was. */
class TripleLifecycleTest {

  private static KgEvent triple(String head, long offset) {
    Triple t = Triple.newBuilder().setHead(head).setRelation("_hypernym").setTail("t").build();
    return KgEvents.of(KgEvents.Input.TRIPLES, "kg.triples", 0, offset, 0,
        TripleIds.of(t).getBytes(StandardCharsets.UTF_8), new byte[] {1}, t);
  }

  private static KgEvent tombstone(String head, long offset) {
    return KgEvents.of(KgEvents.Input.TRIPLES, "kg.triples", 0, offset, 0,
        TripleIds.of(head, "_hypernym", "t").getBytes(StandardCharsets.UTF_8), null, null);
  }

  @Test
  void tombstonesForUnknownTriplesAndOlderThanTheirTripleAreDeadLettered() throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, KgEvent, KgEvent> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new TripleLifecycle(new HeldOutSplit(0, "s"), Duration.ofMinutes(5))),
            e -> e.key, Types.STRING)) {
      harness.open();
      harness.processElement(new StreamRecord<>(tombstone("never-seen", 1), 1_000));
      harness.processElement(new StreamRecord<>(triple("a", 2), 10_000));
      harness.processElement(new StreamRecord<>(tombstone("a", 3), 5_000));
      harness.processElement(new StreamRecord<>(triple("b", 4), 10_000));
      harness.processElement(new StreamRecord<>(tombstone("b", 5), 20_000));

      List<String> passed = new ArrayList<>();
      harness.extractOutputValues().forEach(e -> passed.add(e.kind + " " + e.triple.getHead()));
      assertEquals(List.of("TRIPLE a", "TRIPLE b", "RETRACTION b"), passed, "a stays, b is retracted");
      List<DeadLetter> dead = new ArrayList<>();
      harness.getSideOutput(DeadLetters.TAG).forEach(r -> dead.add(r.getValue()));
      assertEquals(List.of(1L, 3L), dead.stream().map(DeadLetter::getSourceOffset).toList());
      assertTrue(dead.get(0).getReason().toString().contains("which this job does not hold"));
      assertTrue(dead.get(1).getReason().toString().contains("is older than its triple"), dead.get(1).getReason());

      harness.processElement(new StreamRecord<>(tombstone("a", 6), 30_000));
      assertEquals("RETRACTION a", harness.extractOutputValues().get(3).kind + " "
          + harness.extractOutputValues().get(3).triple.getHead(), "a later tombstone still retracts it");
      assertEquals(0, harness.numKeyedStateEntries(), "retracted triples leave no state behind");
    }
  }
}
