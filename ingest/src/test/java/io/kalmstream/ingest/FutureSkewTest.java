package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.Triple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Validation of event times and ids: a record stamped far ahead goes to the dead letters and never
 * moves the watermark.
 */
class FutureSkewTest {
  private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();
  private static final long YEAR_2100 = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

  private static KgEvent triple(String head, long eventTime) {
    Triple t =
        Triple.newBuilder()
            .setHead(head)
            .setRelation("_hypernym")
            .setTail("t")
            .setEventTime(Instant.ofEpochMilli(eventTime))
            .build();
    return KgEvents.of(
        KgEvents.Input.TRIPLES,
        "kg.triples",
        0,
        7,
        eventTime,
        TripleIds.of(t).getBytes(java.nio.charset.StandardCharsets.UTF_8),
        new byte[] {1},
        t);
  }

  private static WatermarkOutput collecting(List<Long> emitted) {
    return new WatermarkOutput() {
      @Override
      public void emitWatermark(Watermark watermark) {
        emitted.add(watermark.getTimestamp());
      }

      @Override
      public void markIdle() {}

      @Override
      public void markActive() {}
    };
  }

  @Test
  void aFarFutureEventTimeIsDeadLetteredWithItsReason() throws Exception {
    try (OneInputStreamOperatorTestHarness<KgEvent, KgEvent> harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new Validate(IngestConfig.defaults())))) {
      harness.open();
      harness.setProcessingTime(NOW);
      harness.processElement(new StreamRecord<>(triple("future", YEAR_2100), YEAR_2100));
      harness.processElement(new StreamRecord<>(triple("soon", NOW + 60_000), NOW + 60_000));
      harness.processElement(new StreamRecord<>(triple("now", NOW), NOW));
      harness.processElement(new StreamRecord<>(triple("bell\u0007", NOW), NOW));
      List<String> passed = new ArrayList<>();
      harness.extractOutputValues().forEach(e -> passed.add(e.triple.getHead().toString()));
      assertEquals(List.of("soon", "now"), passed, "within the skew is on time");
      List<DeadLetter> dead = new ArrayList<>();
      harness.getSideOutput(IngestDeadLetters.TAG).forEach(r -> dead.add(r.getValue()));
      assertEquals(2, dead.size());
      assertEquals(
          "triple part id 'bell' has control character U+0007 at 4",
          dead.get(1).getReason().toString());
      assertEquals(7, dead.get(0).getSourceOffset());
      assertTrue(
          dead.get(0).getReason().toString().startsWith("event time 2100-01-01T00:00:00Z is "),
          dead.get(0).getReason().toString());
      assertTrue(dead.get(0).getReason().toString().contains("beyond the allowed skew of PT5M"));
    }
  }

  @Test
  void anAncientEventTimeAndAnOversizedRecordAreDeadLetteredWithTheirReasons() throws Exception {
    long year2000 = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    KgEvent ok = triple("ok", NOW);
    KgEvent huge =
        KgEvents.of(
            KgEvents.Input.TRIPLES,
            "kg.triples",
            0,
            9,
            NOW,
            ok.rawKey,
            new byte[IngestConfig.DEFAULT_MAX_RECORD_BYTES + 1],
            ok.triple);
    try (OneInputStreamOperatorTestHarness<KgEvent, KgEvent> harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new Validate(IngestConfig.defaults())))) {
      harness.open();
      harness.setProcessingTime(NOW);
      harness.processElement(new StreamRecord<>(triple("ancient", year2000), year2000));
      harness.processElement(
          new StreamRecord<>(triple("last-week", NOW - Duration.ofDays(6).toMillis()), NOW));
      harness.processElement(new StreamRecord<>(huge, NOW));
      List<String> passed = new ArrayList<>();
      harness.extractOutputValues().forEach(e -> passed.add(e.triple.getHead().toString()));
      assertEquals(List.of("last-week"), passed, "within the allowed age of 7 days");
      List<String> reasons = new ArrayList<>();
      harness
          .getSideOutput(IngestDeadLetters.TAG)
          .forEach(r -> reasons.add(r.getValue().getReason().toString()));
      assertEquals(2, reasons.size(), reasons.toString());
      assertTrue(
          reasons.get(0).startsWith("event time 2000-01-01T00:00:00Z is ")
              && reasons.get(0).contains("beyond the allowed age of PT168H"),
          reasons.get(0));
      assertEquals(
          "record of 65537 bytes is larger than the 65536 bytes the job accepts (--max-record-bytes)",
          reasons.get(1));
    }
    IngestConfig unbounded = IngestConfig.builder().maxEventAge(Duration.ZERO).build();
    try (OneInputStreamOperatorTestHarness<KgEvent, KgEvent> harness =
        new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new Validate(unbounded)))) {
      harness.open();
      harness.setProcessingTime(NOW);
      harness.processElement(new StreamRecord<>(triple("ancient", year2000), year2000));
      assertEquals(1, harness.extractOutputValues().size(), "zero accepts any age, for a backfill");
    }
  }

  @Test
  void aQuietSplitMovesItsWatermarkWithTheWallClockSoWaitsExpire() {
    List<Long> emitted = new ArrayList<>();
    WatermarkOutput output = collecting(emitted);
    long[] clock = {NOW};
    SkewBoundedWatermarks watermarks =
        new SkewBoundedWatermarks(1000, 300_000, 5_000, () -> clock[0]);
    watermarks.onEvent(triple("last", NOW), NOW, output);
    clock[0] = NOW + 4_000;
    watermarks.onPeriodicEmit(output);
    assertEquals(List.of(NOW - 1001), emitted, "still within the quiet bound: event time alone");
    clock[0] = NOW + 400_000;
    watermarks.onPeriodicEmit(output);
    assertEquals(
        NOW + 400_000 - 1001,
        emitted.get(1),
        "quiet: the wall clock carries it past a 5-minute wait");
    watermarks.onEvent(triple("old", NOW - 60_000), NOW - 60_000, output);
    watermarks.onPeriodicEmit(output);
    assertEquals(2, emitted.size(), "it never goes back");
  }

  @Test
  void theWatermarkIgnoresEventsBeyondTheSkew() {
    List<Long> emitted = new ArrayList<>();
    WatermarkOutput output = collecting(emitted);
    SkewBoundedWatermarks watermarks =
        new SkewBoundedWatermarks(1000, Duration.ofMinutes(5).toMillis(), 0);
    long now = System.currentTimeMillis();
    watermarks.onEvent(triple("now", now), now, output);
    watermarks.onEvent(triple("future", YEAR_2100), YEAR_2100, output);
    watermarks.onPeriodicEmit(output);
    assertEquals(List.of(now - 1001), emitted, "the future record did not move it");
  }
}
