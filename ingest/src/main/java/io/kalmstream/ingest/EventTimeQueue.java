package io.kalmstream.ingest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * Holds a keyed operator's input until the watermark passes it, then hands it out in event-time
 * order, with descriptions before triples and triples by id at equal times. Records of one triple
 * id always travel one channel, so their arrival order (kept by the stable sort) is fixed too.
 * Processing in this order makes the job's output a function of the input's event times alone,
 * independent of how the inputs interleave at run time, so a run restored from a checkpoint emits
 * the same batches as one without a failure.
 */
final class EventTimeQueue {
  private static final Comparator<KgEvent> ORDER =
      Comparator.<KgEvent>comparingInt(e -> e.isDescription() ? 0 : 1).thenComparing(e -> e.key);

  private final MapState<Long, List<KgEvent>> buffer;

  EventTimeQueue(RuntimeContext context, String name) {
    this.buffer =
        context.getMapState(
            new MapStateDescriptor<>(
                name, Types.LONG, Types.LIST(TypeInformation.of(KgEvent.class))));
  }

  /**
   * Queues an event for the time it carries; an event behind the watermark (late) is queued for the
   * next instant instead of being dropped, and counted.
   */
  void add(KgEvent event, long timestamp, TimerService timers, OutcomeCounters counters)
      throws Exception {
    long due = timestamp;
    if (due <= timers.currentWatermark()) {
      due = timers.currentWatermark() + 1;
      counters.inc(Outcome.LATE_EVENTS);
    }
    List<KgEvent> atTime = buffer.get(due);
    if (atTime == null) {
      atTime = new ArrayList<>();
      timers.registerEventTimeTimer(due);
    }
    atTime.add(event);
    buffer.put(due, atTime);
  }

  /** Removes and returns the events queued for {@code time}, in processing order. */
  List<KgEvent> drain(long time) throws Exception {
    List<KgEvent> atTime = buffer.get(time);
    if (atTime == null) {
      return List.of();
    }
    buffer.remove(time);
    atTime.sort(ORDER);
    return atTime;
  }
}
