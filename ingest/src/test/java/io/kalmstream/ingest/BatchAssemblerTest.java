package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.ContrastiveBatches;
import io.kalmstream.batching.InMemoryKnownFacts;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch assembly under the operator harness: batches of four with half the slots for replay (two
 * live pairs, one triple's forward and inverse pair), instruction batches of two (one live
 * example), a one-second batch timeout. Each test ends by checking what the function still holds.
 */
class BatchAssemblerTest {
  private static final long TIMEOUT = 1_000;

  private KeyedOneInputStreamOperatorTestHarness<String, KgEvent, ContrastiveBatch> harness;

  @BeforeEach
  void open() throws Exception {
    open(new AssemblerShards(1, 1, -1));
  }

  /** One harness (one subtask) for every shard. */
  private void open(AssemblerShards shards) throws Exception {
    IngestConfig config =
        IngestConfig.builder()
            .policy(new BatchPolicy(4, 2, 0.5, 8))
            .batchTimeout(Duration.ofMillis(TIMEOUT))
            .batchIdPrefix("t")
            .build();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new BatchAssembler(config, shards)),
            shards::keyOf,
            Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void batchesHaveDistinctTailsTheMaskOfKnownFactsAndReplayInTheFreeSlots() throws Exception {
    send(joined("a", "b"), 10);
    harness.processWatermark(new Watermark(10));
    send(joined("a", "c"), 20);
    harness.processWatermark(new Watermark(20));

    List<ContrastiveBatch> batches = harness.extractOutputValues();
    assertEquals(
        List.of("t-0-0000000001", "t-0-0000000002"),
        batches.stream().map(b -> b.getBatchId().toString()).toList());
    ContrastiveBatch first = batches.get(0);
    assertEquals(
        List.of("a r b", "b inverse r a"), describe(first.getPairs()), "nothing to replay yet");
    ContrastiveBatch second = batches.get(1);
    // the free slots take earlier pairs whose tails differ from the live ones: (b, inverse r, a)
    // would repeat a
    assertEquals(List.of("a r c", "c inverse r a", "a r b*"), describe(second.getPairs()));
    for (ContrastiveBatch batch : batches) {
      Set<String> tails = new HashSet<>();
      batch
          .getPairs()
          .forEach(
              p -> assertTrue(tails.add(p.getTail().toString()), "distinct tails in " + batch));
    }
    // b is a known answer to (a, r) and c too: each masks the other's column
    assertEquals(List.of(List.of(2), List.of(), List.of(0)), second.getFalseNegatives());

    List<InstructionBatch> instruction =
        harness.getSideOutput(BatchAssembler.INSTRUCTION).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertEquals(
        List.of("t-0-0000000001", "t-0-0000000002"),
        instruction.stream().map(b -> b.getBatchId().toString()).toList(),
        "one instruction batch per batch, same id");
    assertEquals(2, instruction.get(1).getExamples().size(), "one live example and one replayed");

    assertDrained();
    assertEquals(
        1, HarnessState.keysWith(harness, "reservoir"), "the reservoir keeps what it sampled");
  }

  @Test
  void aPartialBatchLeavesAfterTheTimeoutAndTheNextOneTimeoutLater() throws Exception {
    // a self-loop gives two pairs with one tail: they cannot share a batch
    send(joined("s", "s"), 100);
    harness.processWatermark(new Watermark(100));
    assertTrue(harness.extractOutputValues().isEmpty(), "two pairs, one tail: no full batch");
    assertEquals(1, HarnessState.keysWith(harness, "pending"));
    assertEquals(1, HarnessState.keysWith(harness, "timeout-at"));

    harness.processWatermark(new Watermark(100 + TIMEOUT - 1));
    assertTrue(harness.extractOutputValues().isEmpty(), "not before the timeout");
    harness.processWatermark(new Watermark(100 + TIMEOUT));
    assertEquals(1, harness.extractOutputValues().size());
    assertEquals(
        1,
        harness.extractOutputValues().get(0).getPairs().size(),
        "one live pair, nothing to replay");

    harness.processWatermark(new Watermark(100 + 2 * TIMEOUT));
    assertEquals(2, harness.extractOutputValues().size(), "the other pair one timeout later");
    ContrastiveBatch second = harness.extractOutputValues().get(1);
    assertEquals(List.of("s inverse r s"), describe(second.getPairs()).subList(0, 1));
    assertEquals(100 + 2 * TIMEOUT, second.getCreatedAt().toEpochMilli());
    assertDrained();
  }

  @Test
  void aRetractionTakesItsPairsOutOfTheWaitingBatchTheReservoirAndTheKnownFacts() throws Exception {
    send(joined("a", "b"), 10);
    harness.processWatermark(new Watermark(10));
    send(joined("s", "s"), 20);
    harness.processWatermark(new Watermark(20));
    assertEquals(1, HarnessState.keysWith(harness, "pending"), "the self-loop waits");

    send(retraction("a", "b"), 30);
    send(retraction("s", "s"), 30);
    harness.processWatermark(new Watermark(30 + 2 * TIMEOUT));
    assertEquals(
        1,
        harness.extractOutputValues().size(),
        "the waiting pairs were retracted before their batch");

    assertDrained();
    assertEquals(0, HarnessState.keysWith(harness, "answers"), "no known answer left");
    assertEquals(0, HarnessState.keysWith(harness, "reservoir"), "nothing left to replay");
  }

  @Test
  void withTwoShardsEachMaskStillSeesEveryKnownAnswerOfItsRows() throws Exception {
    harness.close();
    open(new AssemblerShards(2, 1, -1));
    // hubs a and b share many questions, so masks have columns to find in both directions
    String[][] triples = {
      {"a", "b"}, {"a", "c"}, {"d", "b"}, {"a", "e"}, {"f", "b"}, {"a", "g"}, {"h", "b"},
      {"d", "c"}, {"f", "e"}, {"a", "h"}, {"d", "g"}, {"f", "c"}, {"h", "e"}, {"a", "d"},
      {"b", "a"}, {"c", "a"}, {"e", "d"}, {"g", "a"}, {"b", "h"}, {"c", "f"}, {"e", "a"},
      {"g", "f"}, {"b", "d"}, {"c", "h"}, {"e", "f"}, {"g", "h"}
    };
    InMemoryKnownFacts all = new InMemoryKnownFacts();
    Set<String> shardsSeen = new HashSet<>();
    int checked = 0;
    for (int i = 0; i < triples.length; i++) {
      long time = 10L * (i + 1);
      all.add(triples[i][0], "r", triples[i][1]);
      send(joined(triples[i][0], triples[i][1]), time);
      harness.processWatermark(new Watermark(time));
      List<ContrastiveBatch> batches = harness.extractOutputValues();
      for (ContrastiveBatch batch : batches.subList(checked, batches.size())) {
        String id = batch.getBatchId();
        shardsSeen.add(id.substring(0, id.lastIndexOf('-')));
        assertEquals(
            ContrastiveBatches.falseNegatives(batch.getPairs(), all),
            batch.getFalseNegatives(),
            "the mask of " + id + " from every fact so far");
      }
      checked = batches.size();
    }
    assertEquals(Set.of("t-0", "t-1"), shardsSeen, "both shards made batches");
    assertTrue(
        harness.extractOutputValues().stream()
            .anyMatch(b -> b.getFalseNegatives().stream().anyMatch(row -> !row.isEmpty())),
        "some mask has a column");
  }

  /** An event as the assembler receives it: once per pair direction. */
  private void send(KgEvent event, long timestamp) throws Exception {
    List<KgEvent> pairEvents = new java.util.ArrayList<>();
    new PairDirections().flatMap(event, new ListCollector<>(pairEvents));
    for (KgEvent pairEvent : pairEvents) {
      harness.processElement(new StreamRecord<>(pairEvent, timestamp));
    }
  }

  /** Nothing waits: no queued event, no pending pair, no timeout, no timer. */
  private void assertDrained() throws Exception {
    assertEquals(0, HarnessState.keysWith(harness, "queue"), "no queued event left");
    assertEquals(0, HarnessState.keysWith(harness, "pending"), "no pending pair left");
    assertEquals(0, HarnessState.keysWith(harness, "timeout-at"), "no timeout left");
    assertEquals(0, harness.numEventTimeTimers(), "no timer left");
    assertFalse(harness.numProcessingTimeTimers() > 0, "no processing-time timer");
  }

  private static List<String> describe(List<ContrastivePair> pairs) {
    return pairs.stream()
        .map(
            p ->
                p.getHead()
                    + " "
                    + p.getRelation()
                    + " "
                    + p.getTail()
                    + (p.getReplayed() ? "*" : ""))
        .toList();
  }

  /** A triple (head, r, tail) with its descriptions joined, as the relation join hands it on. */
  private static KgEvent joined(String head, String tail) {
    Triple t = Triple.newBuilder().setHead(head).setRelation("r").setTail(tail).build();
    KgEvent e =
        KgEvents.of(
            KgEvents.Input.TRIPLES,
            "kg.triples",
            0,
            0,
            0,
            TripleIds.of(t).getBytes(StandardCharsets.UTF_8),
            new byte[] {1},
            t);
    e.head = new EntityDescription(head, head, "the " + head);
    e.tail = new EntityDescription(tail, tail, "the " + tail);
    e.relation = new RelationDescription("r", "r", "");
    return e;
  }

  private static KgEvent retraction(String head, String tail) {
    return KgEvents.of(
        KgEvents.Input.TRIPLES,
        "kg.triples",
        0,
        1,
        0,
        TripleIds.of(head, "r", tail).getBytes(StandardCharsets.UTF_8),
        null,
        null);
  }
}
