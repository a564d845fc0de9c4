package io.kalmstream.ingest;

import io.kalmstream.batching.TextLimits;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.Triple;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The first stage: rejects what cannot be used (undecodable or oversized records, event times too
 * far ahead or too old, keys that contradict their values, empty or oversized text) to the
 * dead-letter topic and splits the rest into triples (main output), entity descriptions and
 * relation descriptions.
 */
final class Validate extends ProcessFunction<KgEvent, KgEvent> {
  static final OutputTag<KgEvent> ENTITIES = new OutputTag<>("entities") {};
  static final OutputTag<KgEvent> RELATIONS = new OutputTag<>("relations") {};

  private final TextLimits limits;
  private final long maxFutureSkewMs;
  private final long maxEventAgeMs;
  private final int maxRecordBytes;
  private transient OutcomeCounters counters;

  Validate(IngestConfig config) {
    this.limits = config.limits();
    this.maxFutureSkewMs = config.maxFutureSkew().toMillis();
    this.maxEventAgeMs = config.maxEventAge().toMillis();
    this.maxRecordBytes = config.maxRecordBytes();
  }

  /**
   * Whether an event time lies beyond the allowed skew ahead of {@code nowMs}; the watermarks skip
   * such events.
   */
  static boolean tooFarAhead(long eventTime, long nowMs, long maxFutureSkewMs) {
    return eventTime > nowMs + maxFutureSkewMs;
  }

  @Override
  public void open(OpenContext openContext) {
    counters = new OutcomeCounters(getRuntimeContext());
  }

  @Override
  public void processElement(KgEvent event, Context ctx, Collector<KgEvent> out) {
    long time = ctx.timestamp() == null ? event.eventTime : ctx.timestamp();
    long now = ctx.timerService().currentProcessingTime();
    Optional<String> problem =
        sizeProblem(event)
            .or(() -> futureSkewProblem(event, now))
            .or(() -> ageProblem(event, now))
            .or(() -> problem(event));
    if (problem.isPresent()) {
      counters.inc(
          event.kind == KgEvent.Kind.UNDECODABLE
              ? Outcome.UNDECODABLE
              : event.isDescription() ? Outcome.DESCRIPTIONS_REJECTED : Outcome.TRIPLES_REJECTED);
      ctx.output(IngestDeadLetters.TAG, IngestDeadLetters.of(event, problem.get(), time));
      return;
    }
    switch (event.kind) {
      case TRIPLE, RETRACTION -> out.collect(event);
      case ENTITY, ENTITY_DELETION -> ctx.output(ENTITIES, event);
      case RELATION, RELATION_DELETION -> ctx.output(RELATIONS, event);
      default -> throw new IllegalStateException("unhandled kind " + event.kind);
    }
  }

  private Optional<String> futureSkewProblem(KgEvent event, long now) {
    if (event.kind == KgEvent.Kind.UNDECODABLE
        || !tooFarAhead(event.eventTime, now, maxFutureSkewMs)) {
      return Optional.empty();
    }
    return Optional.of(
        "event time "
            + java.time.Instant.ofEpochMilli(event.eventTime)
            + " is "
            + java.time.Duration.ofMillis(event.eventTime - now)
            + " ahead of this clock ("
            + java.time.Instant.ofEpochMilli(now)
            + "), beyond the allowed skew of "
            + java.time.Duration.ofMillis(maxFutureSkewMs)
            + "; it would hold back every later record");
  }

  private Optional<String> sizeProblem(KgEvent event) {
    if (event.rawValue == null || event.rawValue.length <= maxRecordBytes) {
      return Optional.empty();
    }
    return Optional.of(
        "record of "
            + event.rawValue.length
            + " bytes is larger than the "
            + maxRecordBytes
            + " bytes the job accepts (--max-record-bytes)");
  }

  private Optional<String> ageProblem(KgEvent event, long now) {
    if (event.kind == KgEvent.Kind.UNDECODABLE
        || maxEventAgeMs == 0
        || event.eventTime >= now - maxEventAgeMs) {
      return Optional.empty();
    }
    return Optional.of(
        "event time "
            + java.time.Instant.ofEpochMilli(event.eventTime)
            + " is "
            + java.time.Duration.ofMillis(now - event.eventTime)
            + " behind this clock, beyond the allowed age of "
            + java.time.Duration.ofMillis(maxEventAgeMs)
            + " (--max-event-age): its outputs would carry that time and "
            + "a topic's retention would delete them as soon as they are written");
  }

  private Optional<String> problem(KgEvent event) {
    switch (event.kind) {
      case UNDECODABLE:
        return Optional.of(event.error == null ? "undecodable record" : event.error);
      case TRIPLE:
        Triple t = event.triple;
        if (t.getHead().isBlank() || t.getRelation().isBlank() || t.getTail().isBlank()) {
          return Optional.of(
              "triple has an empty head, relation or tail: '" + TripleIds.of(t) + "'");
        }
        for (String part : new String[] {t.getHead(), t.getRelation(), t.getTail()}) {
          Optional<String> idProblem = TextLimits.idProblem("triple part", part);
          if (idProblem.isPresent()) {
            return idProblem;
          }
        }
        if (!TripleIds.of(t).equals(event.key)) {
          return Optional.of(
              "key '" + event.key + "' does not match the triple '" + TripleIds.of(t) + "'");
        }
        return Optional.empty();
      case RETRACTION:
        return event.triple == null
            ? Optional.of("tombstone key is not head<TAB>relation<TAB>tail: '" + event.key + "'")
            : Optional.empty();
      case ENTITY:
        return descriptionProblem(
            "entity",
            event.key,
            event.entity.getId(),
            event.entity.getName(),
            event.entity.getDescription());
      case RELATION:
        return descriptionProblem(
            "relation",
            event.key,
            event.relation.getId(),
            event.relation.getName(),
            event.relation.getDescription());
      case ENTITY_DELETION, RELATION_DELETION:
        return event.key == null || event.key.isBlank()
            ? Optional.of("tombstone without a key")
            : Optional.empty();
      default:
        return Optional.of("unknown kind " + event.kind);
    }
  }

  private Optional<String> descriptionProblem(
      String kind, String key, String id, String name, String text) {
    if (!id.equals(key)) {
      return Optional.of(kind + " key '" + key + "' does not match its id '" + id + "'");
    }
    return limits.problem(kind, id, name, text);
  }
}
