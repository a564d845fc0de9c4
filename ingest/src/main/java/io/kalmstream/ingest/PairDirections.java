package io.kalmstream.ingest;

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
}
