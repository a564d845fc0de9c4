package io.kalmstream.ingest;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks with two guards against a stalled event-time clock:
 *
 * <ul>
 *   <li>event times beyond the allowed skew ahead of the wall clock are ignored: one record stamped
 *       years ahead would otherwise move the watermark there, and every later record would wait for
 *       it ({@link Validate} sends such records to the dead letters);
 *   <li>a split without records for {@code quietAfter} (processing time) moves its watermark with
 *       the wall clock. It then neither holds back the other splits (what Flink's idleness does)
 *       nor, when the whole stream is quiet, keeps the description waits and batch timeouts from
 *       expiring: they run on event time, which would otherwise stop at the last record.
 * </ul>
 */
final class SkewBoundedWatermarks implements WatermarkGenerator<KgEvent> {
  private final long outOfOrdernessMs;
  private final long maxFutureSkewMs;
  private final long quietAfterMs;
  private final LongSupplier clock;
  private long maxTimestamp;
  private long lastEventAt;
  private long emitted = Long.MIN_VALUE;

  /**
   * @param quietAfterMs 0 keeps the watermark on event times alone (exactly reproducible bounded
   *     replays)
   */
  SkewBoundedWatermarks(long outOfOrdernessMs, long maxFutureSkewMs, long quietAfterMs) {
    this(outOfOrdernessMs, maxFutureSkewMs, quietAfterMs, System::currentTimeMillis);
  }

  SkewBoundedWatermarks(
      long outOfOrdernessMs, long maxFutureSkewMs, long quietAfterMs, LongSupplier clock) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.maxFutureSkewMs = maxFutureSkewMs;
    this.quietAfterMs = quietAfterMs;
    this.clock = clock;
    this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMs + 1;
    this.lastEventAt = clock.getAsLong();
  }

  @Override
  public void onEvent(KgEvent event, long eventTimestamp, WatermarkOutput output) {
    long now = clock.getAsLong();
    lastEventAt = now;
    if (!Validate.tooFarAhead(eventTimestamp, now, maxFutureSkewMs)) {
      maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = clock.getAsLong();
    long watermark = maxTimestamp - outOfOrdernessMs - 1;
    if (quietAfterMs > 0 && now - lastEventAt >= quietAfterMs) {
      watermark = Math.max(watermark, now - outOfOrdernessMs - 1);
    }
    if (watermark > emitted) {
      emitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }
}
