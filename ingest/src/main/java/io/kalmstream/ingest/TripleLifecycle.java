package io.kalmstream.ingest;

import io.kalmstream.batching.HeldOutSplit;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by triple id: deduplicates repeated triples, applies tombstones, and sends held-out triples
 * to kg.eval.triples (and their tombstones after them). Training triples and their retractions go
 * on to the joins. A key's records come from one Kafka partition in order, so no reordering is
 * needed here. A tombstone for a triple this job does not hold, and one stamped before the triple
 * it retracts (the joins order by event time, so it would be applied before the triple and the
 * triple trained though counted as retracted), go to the dead letters with the reason instead.
 */
final class TripleLifecycle extends KeyedProcessFunction<String, KgEvent, KgEvent> {
  static final OutputTag<EvalTriple> EVAL = new OutputTag<>("eval-triples") {};

  private static final String TRAINING = "training";
  private static final String HELD_OUT = "held-out";

  private final HeldOutSplit split;
  private final long descriptionWaitMillis;
  private transient ValueState<String> status;

  /** Event time of the triple the status belongs to. */
  private transient ValueState<Long> addedAt;

  private transient OutcomeCounters counters;
  private transient ActivitySpan.Start activity;

  TripleLifecycle(HeldOutSplit split, Duration descriptionWait) {
    this.split = split;
    this.descriptionWaitMillis = descriptionWait.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    status = getRuntimeContext().getState(new ValueStateDescriptor<>("status", Types.STRING));
    addedAt = getRuntimeContext().getState(new ValueStateDescriptor<>("added-at", Types.LONG));
    counters = new OutcomeCounters(getRuntimeContext());
    activity = new ActivitySpan.Start(getRuntimeContext());
  }

  @Override
  public void processElement(KgEvent event, Context ctx, Collector<KgEvent> out) throws Exception {
    String current = status.value();
    if (event.kind == KgEvent.Kind.TRIPLE) {
      counters.inc(Outcome.TRIPLES_RECEIVED);
      activity.mark();
      if (current != null) {
        counters.inc(Outcome.TRIPLES_DUPLICATE);
      } else if (split.isHeldOut(event.triple)) {
        status.update(HELD_OUT);
        addedAt.update(ctx.timestamp());
        counters.inc(Outcome.TRIPLES_HELD_OUT);
        ctx.output(EVAL, new EvalTriple(event.key, event.triple));
      } else {
        status.update(TRAINING);
        addedAt.update(ctx.timestamp());
        counters.inc(Outcome.TRIPLES_TO_TRAINING);
        KgEvent fact = event.copy();
        fact.deadline = ctx.timestamp() + descriptionWaitMillis;
        out.collect(fact);
      }
      return;
    }
    // a retraction
    if (current == null) {
      counters.inc(Outcome.RETRACTIONS_OF_UNKNOWN);
      ctx.output(
          IngestDeadLetters.TAG,
          IngestDeadLetters.of(
              event,
              "tombstone for triple '"
                  + event.key
                  + "', which this job does not hold (never seen, or already retracted)",
              ctx.timestamp()));
      return;
    }
    Long added = addedAt.value();
    if (added != null && ctx.timestamp() < added) {
      counters.inc(Outcome.RETRACTIONS_OUT_OF_ORDER);
      ctx.output(
          IngestDeadLetters.TAG,
          IngestDeadLetters.of(
              event,
              "tombstone stamped "
                  + java.time.Instant.ofEpochMilli(ctx.timestamp())
                  + " is older than its triple ("
                  + java.time.Instant.ofEpochMilli(added)
                  + "); the triple stays",
              ctx.timestamp()));
      return;
    }
    if (HELD_OUT.equals(current)) {
      counters.inc(Outcome.HELD_OUT_RETRACTED);
      ctx.output(EVAL, new EvalTriple(event.key, null));
    } else {
      counters.inc(Outcome.TRIPLES_RETRACTED);
      out.collect(event);
    }
    status.clear();
    addedAt.clear();
  }
}
