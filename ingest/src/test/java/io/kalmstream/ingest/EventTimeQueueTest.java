package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.Triple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The event-time queue under a keyed function that emits what it drains: order, late events,
 * cleanup.
 */
class EventTimeQueueTest {

  /** Queues every input and emits it, as "key@time", when the watermark passes its time. */
  static final class Emitting extends KeyedProcessFunction<String, KgEvent, String> {
    private transient EventTimeQueue queue;
    private transient OutcomeCounters counters;

    @Override
    public void open(OpenContext openContext) {
      queue = new EventTimeQueue(getRuntimeContext(), "queue");
      counters = new OutcomeCounters(getRuntimeContext());
    }

    @Override
    public void processElement(KgEvent event, Context ctx, Collector<String> out) throws Exception {
      queue.add(event, ctx.timestamp(), ctx.timerService(), counters);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<String> out) throws Exception {
      for (KgEvent e : queue.drain(time)) {
        out.collect(e.kind + " " + e.key + "@" + time);
      }
    }
  }

  private static KgEvent triple(String head) {
    Triple t = Triple.newBuilder().setHead(head).setRelation("r").setTail("t").build();
    return KgEvents.of(
        KgEvents.Input.TRIPLES,
        "kg.triples",
        0,
        0,
        0,
        TripleIds.of(t).getBytes(StandardCharsets.UTF_8),
        new byte[] {1},
        t);
  }

  private static KgEvent entity(String id) {
    return KgEvents.of(
        KgEvents.Input.ENTITIES,
        "kg.entities",
        0,
        0,
        0,
        id.getBytes(StandardCharsets.UTF_8),
        new byte[] {1},
        new EntityDescription(id, id, "text"));
  }

  @Test
  void eventsLeaveInEventTimeOrderDescriptionsFirstThenByIdAndTheQueueDrainsToNothing()
      throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, KgEvent, String> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new Emitting()), e -> "one", Types.STRING)) {
      harness.open();
      harness.processElement(new StreamRecord<>(triple("b"), 20));
      harness.processElement(new StreamRecord<>(triple("a"), 20));
      harness.processElement(new StreamRecord<>(entity("e"), 20));
      harness.processElement(new StreamRecord<>(triple("c"), 10));
      assertEquals(2, harness.numEventTimeTimers(), "one timer per distinct time");
      assertEquals(1, HarnessState.keysWith(harness, "queue"));

      harness.processWatermark(new Watermark(15));
      assertEquals(List.of("TRIPLE c\tr\tt@10"), harness.extractOutputValues());

      // behind the watermark: queued for the next instant rather than dropped
      harness.processElement(new StreamRecord<>(triple("late"), 5));
      harness.processWatermark(new Watermark(30));
      assertEquals(
          List.of(
              "TRIPLE c\tr\tt@10",
              "TRIPLE late\tr\tt@16",
              "ENTITY e@20",
              "TRIPLE a\tr\tt@20",
              "TRIPLE b\tr\tt@20"),
          harness.extractOutputValues());

      assertEquals(0, harness.numEventTimeTimers(), "no timer left");
      assertEquals(0, HarnessState.keysWith(harness, "queue"), "no queued event left");
      assertEquals(0, harness.numKeyedStateEntries(), "no state left");
    }
  }
}
