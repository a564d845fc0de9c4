package io.kalmstream.ingest;

import java.util.OptionalDouble;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.accumulators.LongMinimum;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * The wall-clock span in which a run did its work: from the first triple the job received to the
 * last batch it emitted, kept as accumulators so a bounded run reports it. Throughput over this
 * span leaves out what a run pays once whatever its size: deploying the tasks, opening
 * transactional producers, and the final checkpoint that commits the last batches.
 */
public final class ActivitySpan {
  static final String FIRST_TRIPLE = "firstTripleAtMs";
  static final String LAST_BATCH = "lastBatchAtMs";

  private ActivitySpan() {}

  /** Marks the wall-clock time of a triple's arrival; the earliest across subtasks is kept. */
  static final class Start {
    private final LongMinimum first = new LongMinimum();

    Start(RuntimeContext context) {
      context.addAccumulator(FIRST_TRIPLE, first);
    }

    void mark() {
      first.add(System.currentTimeMillis());
    }
  }

  /** Marks the wall-clock time of a batch's emission; the latest across subtasks is kept. */
  static final class End {
    private final LongMaximum last = new LongMaximum();

    End(RuntimeContext context) {
      context.addAccumulator(LAST_BATCH, last);
    }

    void mark() {
      last.add(System.currentTimeMillis());
    }
  }

  /** Seconds from the first triple received to the last batch emitted; empty when no batch was. */
  public static OptionalDouble seconds(JobExecutionResult result) {
    Long first = result.getAccumulatorResult(FIRST_TRIPLE);
    Long last = result.getAccumulatorResult(LAST_BATCH);
    if (first == null || last == null || last < first) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((last - first) / 1000.0);
  }
}
