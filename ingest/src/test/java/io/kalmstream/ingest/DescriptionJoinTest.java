package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.Triple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The head join alone, driven record by record and watermark by watermark. */
class DescriptionJoinTest {
  private KeyedTwoInputStreamOperatorTestHarness<String, KgEvent, KgEvent, KgEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new DescriptionJoin(DescriptionJoin.Role.HEAD)),
            fact -> fact.triple.getHead(),
            description -> description.key,
            Types.STRING);
    harness.open();
  }

  @Test
  void aTripleTakesTheDescriptionCurrentWhenItPassesSoUpdatesApplyToLaterExamples()
      throws Exception {
    harness.processElement2(entity("e", "old text"), 10);
    harness.processElement1(fact("e", "r", "t1", 1_000), 20);
    watermark(25);
    harness.processElement2(entity("e", "new text"), 30);
    harness.processElement1(fact("e", "r", "t2", 1_000), 40);
    watermark(45);

    List<KgEvent> out = outputs();
    assertEquals(
        List.of("old text", "new text"), out.stream().map(e -> e.head.getDescription()).toList());
  }

  @Test
  void aTripleWaitsForItsDescriptionThenExpiresToTheDeadLetters() throws Exception {
    harness.processElement1(fact("late", "r", "t", 1_000), 10);
    harness.processElement1(fact("never", "r", "t", 500), 20);
    watermark(100);
    assertTrue(outputs().isEmpty(), "nothing passes without a description");

    harness.processElement2(entity("late", "arrived"), 200);
    watermark(600);
    assertEquals(List.of("late\tr\tt"), outputs().stream().map(e -> e.key).toList());
    List<DeadLetter> dead =
        harness.getSideOutput(IngestDeadLetters.TAG).stream().map(StreamRecord::getValue).toList();
    assertEquals(1, dead.size());
    assertTrue(
        dead.get(0)
            .getReason()
            .startsWith(
                "unknown head entity 'never' after waiting until event time 1970-01-01T00:00:00.500Z"),
        dead.get(0).getReason());
    assertEquals("never\tr\tt", StandardCharsets.UTF_8.decode(dead.get(0).getKey()).toString());
  }

  @Test
  void aRetractionEndsAWaitingTripleAndFollowsOneThatPassed() throws Exception {
    harness.processElement1(fact("w", "r", "t", 1_000), 10);
    harness.processElement1(retraction("w", "r", "t"), 20);
    harness.processElement2(entity("p", "present"), 5);
    harness.processElement1(fact("p", "r", "t", 1_000), 30);
    harness.processElement1(retraction("p", "r", "t"), 40);
    harness.processElement2(entity("w", "too late"), 50);
    watermark(2_000);

    assertEquals(
        List.of("TRIPLE p\tr\tt", "RETRACTION p\tr\tt"),
        outputs().stream().map(e -> e.kind + " " + e.key).collect(Collectors.toList()));
    assertTrue(
        harness.getSideOutput(IngestDeadLetters.TAG) == null
            || harness.getSideOutput(IngestDeadLetters.TAG).isEmpty());
  }

  private void watermark(long time) throws Exception {
    harness.processWatermark1(new Watermark(time));
    harness.processWatermark2(new Watermark(time));
  }

  private List<KgEvent> outputs() {
    return harness.extractOutputValues();
  }

  private static KgEvent fact(String head, String relation, String tail, long deadline) {
    Triple triple = Triple.newBuilder().setHead(head).setRelation(relation).setTail(tail).build();
    String id = TripleIds.of(triple);
    KgEvent e =
        KgEvents.of(
            KgEvents.Input.TRIPLES,
            "kg.triples",
            0,
            0,
            0,
            id.getBytes(StandardCharsets.UTF_8),
            new byte[] {1},
            triple);
    e.deadline = deadline;
    return e;
  }

  private static KgEvent retraction(String head, String relation, String tail) {
    String id = TripleIds.of(head, relation, tail);
    return KgEvents.of(
        KgEvents.Input.TRIPLES,
        "kg.triples",
        0,
        1,
        0,
        id.getBytes(StandardCharsets.UTF_8),
        null,
        null);
  }

  private static KgEvent entity(String id, String description) {
    return KgEvents.of(
        KgEvents.Input.ENTITIES,
        "kg.entities",
        0,
        0,
        0,
        id.getBytes(StandardCharsets.UTF_8),
        new byte[] {1},
        new EntityDescription(id, id, description));
  }
}
