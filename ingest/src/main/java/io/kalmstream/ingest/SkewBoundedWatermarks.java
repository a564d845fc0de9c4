package io.kalmstream.ingest;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks that ignore event times beyond the allowed skew ahead of the wall clock:
 * one record stamped years ahead would otherwise move the watermark there, and every later record would wait for
 * it. {@link Validate} sends such records to the dead letters.
 */
final class SkewBoundedWatermarks implements WatermarkGenerator<KgEvent> {
  private final long outOfOrdernessMs;
  private final long maxFutureSkewMs;
  private long maxTimestamp;

  SkewBoundedWatermarks(long outOfOrdernessMs, long maxFutureSkewMs) {
    this.outOfOrdernessMs = outOfOrdernessMs;
    this.maxFutureSkewMs = maxFutureSkewMs;
    this.maxTimestamp = Long.MIN_VALUE + outOfOrdernessMs + 1;
  }

  @Override
  public void onEvent(KgEvent event, long eventTimestamp, WatermarkOutput output) {
    if (!Validate.tooFarAhead(eventTimestamp, System.currentTimeMillis(), maxFutureSkewMs)) {
      maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMs - 1));
  }
}
