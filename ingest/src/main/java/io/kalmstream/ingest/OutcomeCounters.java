package io.kalmstream.ingest;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * Counts outcomes twice: as Flink metrics (live, for reporters and the web UI) and as accumulators
 * (totals in the JobExecutionResult, which is what {@code kalm ingest} and the benchmark print when
 * a bounded run ends).
 */
final class OutcomeCounters {
  private final Map<Outcome, Counter> metrics = new EnumMap<>(Outcome.class);
  private final Map<Outcome, LongCounter> accumulators = new EnumMap<>(Outcome.class);
  private final RuntimeContext context;

  OutcomeCounters(RuntimeContext context) {
    this.context = context;
  }

  void add(Outcome outcome, long n) {
    if (n == 0) {
      return;
    }
    metrics.computeIfAbsent(outcome, o -> context.getMetricGroup().counter(o.metricName())).inc(n);
    accumulators
        .computeIfAbsent(
            outcome,
            o -> {
              LongCounter counter = new LongCounter();
              context.addAccumulator(o.metricName(), counter);
              return counter;
            })
        .add(n);
  }

  void inc(Outcome outcome) {
    add(outcome, 1);
  }
}
