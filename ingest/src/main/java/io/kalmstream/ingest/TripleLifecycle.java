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
 * Keyed by triple id: deduplicates repeated triples, applies tombstones, and sends held-out triples to
 * kg.eval.triples (and their tombstones after them). Training triples and their retractions go on to the joins.
 * A key's records come from one Kafka partition in order, so no reordering is needed here.
 */
final class TripleLifecycle extends KeyedProcessFunction<String, KgEvent, KgEvent> {
  static final OutputTag<EvalTriple> EVAL = new OutputTag<>("eval-triples") {};

  private static final String TRAINING = "training";
  private static final String HELD_OUT = "held-out";

  private final HeldOutSplit split;
  private final long descriptionWaitMillis;
  private transient ValueState<String> status;
  private transient OutcomeCounters counters;

  TripleLifecycle(HeldOutSplit split, Duration descriptionWait) {
    this.split = split;
    this.descriptionWaitMillis = descriptionWait.toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    status = getRuntimeContext().getState(new ValueStateDescriptor<>("status", Types.STRING));
    counters = new OutcomeCounters(getRuntimeContext());
  }

  @Override
  public void processElement(KgEvent event, Context ctx, Collector<KgEvent> out) throws Exception {
    String current = status.value();
    if (event.kind == KgEvent.Kind.TRIPLE) {
      counters.inc(Outcome.TRIPLES_RECEIVED);
      if (current != null) {
        counters.inc(Outcome.TRIPLES_DUPLICATE);
      } else if (split.isHeldOut(event.triple)) {
        status.update(HELD_OUT);
        counters.inc(Outcome.TRIPLES_HELD_OUT);
        ctx.output(EVAL, new EvalTriple(event.key, event.triple));
      } else {
        status.update(TRAINING);
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
    } else if (HELD_OUT.equals(current)) {
      counters.inc(Outcome.HELD_OUT_RETRACTED);
      ctx.output(EVAL, new EvalTriple(event.key, null));
    } else {
      counters.inc(Outcome.TRIPLES_RETRACTED);
      out.collect(event);
    }
    status.clear();
  }
}
