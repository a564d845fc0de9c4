package io.kalmstream.ingest;

import io.kalmstream.batching.TextViews;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.Triple;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns a complete triple, or a retraction, into one event per pair it makes: forward, then
 * inverse. The two go to the batch-assembly shards of their own questions ({@link
 * AssemblerShards}), each of which files the fact's answer, builds its pair, and on a retraction
 * drops both again.
 */
final class PairDirections implements FlatMapFunction<KgEvent, KgEvent> {
  @Override
  public void flatMap(KgEvent event, Collector<KgEvent> out) {
    for (boolean inverse : new boolean[] {false, true}) {
      KgEvent pairEvent = event.copy();
      pairEvent.inverse = inverse;
      out.collect(pairEvent);
    }
  }

  /**
   * The question a pair event's pair asks: (h, r) for the forward pair, (t, inverse r) for the
   * inverse one. Its shard and its known answers are keyed by it.
   */
  static String question(KgEvent pairEvent) {
    Triple t = pairEvent.triple;
    return pairEvent.inverse
        ? TripleIds.question(t.getTail(), TextViews.inverseRelationId(t.getRelation()))
        : TripleIds.question(t.getHead(), t.getRelation());
  }

  /**
   * The answer a pair event's fact gives to its question: the tail, or for the inverse the head.
   */
  static String answer(KgEvent pairEvent) {
    return pairEvent.inverse ? pairEvent.triple.getHead() : pairEvent.triple.getTail();
  }
}
