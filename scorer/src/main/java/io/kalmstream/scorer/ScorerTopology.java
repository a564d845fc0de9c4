package io.kalmstream.scorer;

import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.Topics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The scorer's Kafka Streams topology.
 *
 * <pre>
 * kg.entities ──► global store ─┐
 * kg.relations ─► global store ─┤  (mirrored into the GraphCatalog; entities feed the index,
 * kg.triples ───► global store ─┤   checkpoints the re-indexing, eval triples the quality monitor)
 * kg.eval.triples ► global store┤
 * kg.checkpoints ► global store ┘
 * kg.queries ──► QueryBatchProcessor [pending-queries] ──► kg.predictions, kg.metrics, kg.alerts, kg.dlq
 * </pre>
 */
public final class ScorerTopology {
  static final String PENDING_QUERIES = "pending-queries";

  private ScorerTopology() {}

  public static Topology build(ScorerConfig config, ScorerSerdes serdes, ScorerRuntime runtime) {
    Topics topics = config.topics();
    GraphCatalog catalog = runtime.catalog();
    ScorerEvents events = runtime.events();
    Topology topology = new Topology();

    mirror(
        topology,
        "entities",
        topics.entities().name(),
        serdes.entity().deserializer(),
        events,
        new StoreMirror.Listener<EntityDescription>() {
          @Override
          public void put(String key, EntityDescription e) {
            if (!key.equals(e.getId())) {
              throw new IllegalArgumentException(
                  "key " + key + " differs from entity id " + e.getId());
            }
            catalog.putEntity(e);
            runtime.models().entityChanged(key);
          }

          @Override
          public void delete(String key) {
            catalog.removeEntity(key);
            runtime.models().entityChanged(key);
          }
        });
    mirror(
        topology,
        "relations",
        topics.relations().name(),
        serdes.relation().deserializer(),
        events,
        new StoreMirror.Listener<RelationDescription>() {
          @Override
          public void put(String key, RelationDescription r) {
            catalog.putRelation(r);
          }

          @Override
          public void delete(String key) {
            catalog.removeRelation(key);
          }
        });
    mirror(
        topology,
        "triples",
        topics.triples().name(),
        serdes.triple().deserializer(),
        events,
        new StoreMirror.Listener<Triple>() {
          @Override
          public void put(String key, Triple t) {
            catalog.putKnown(key, t);
          }

          @Override
          public void delete(String key) {
            catalog.putKnown(key, null);
          }
        });
    mirror(
        topology,
        "eval-triples",
        topics.evalTriples().name(),
        serdes.triple().deserializer(),
        events,
        new StoreMirror.Listener<Triple>() {
          @Override
          public void put(String key, Triple t) {
            if (catalog.putEval(key, t)) {
              runtime.monitor().evalTripleArrived(t);
            }
          }

          @Override
          public void delete(String key) {
            catalog.putEval(key, null);
          }
        });
    mirror(
        topology,
        "checkpoints",
        topics.checkpoints().name(),
        serdes.checkpoint().deserializer(),
        events,
        new StoreMirror.Listener<CheckpointPublished>() {
          @Override
          public void put(String key, CheckpointPublished c) {
            runtime.models().checkpointAnnounced(c);
          }

          @Override
          public void delete(String key) {}
        });

    StoreBuilder<KeyValueStore<Long, byte[]>> pending =
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(PENDING_QUERIES), Serdes.Long(), Serdes.ByteArray());
    topology
        .addSource(
            "queries-source",
            Serdes.ByteArray().deserializer(),
            Serdes.ByteArray().deserializer(),
            topics.queries().name())
        .addProcessor(
            "query-batches",
            () ->
                new QueryBatchProcessor(
                    PENDING_QUERIES,
                    config,
                    serdes.query().deserializer(),
                    runtime.predictor(),
                    events),
            "queries-source")
        .addStateStore(pending, "query-batches")
        .addSink(
            QueryBatchProcessor.PREDICTIONS,
            topics.predictions().name(),
            Serdes.String().serializer(),
            serdes.answer().serializer(),
            "query-batches")
        .addSink(
            QueryBatchProcessor.METRICS,
            topics.metrics().name(),
            Serdes.String().serializer(),
            serdes.metric().serializer(),
            "query-batches")
        .addSink(
            QueryBatchProcessor.ALERTS,
            topics.alerts().name(),
            Serdes.String().serializer(),
            serdes.alert().serializer(),
            "query-batches")
        .addSink(
            QueryBatchProcessor.DEAD_LETTERS,
            topics.deadLetters().name(),
            Serdes.String().serializer(),
            serdes.deadLetter().serializer(),
            "query-batches");
    return topology;
  }

  private static <T> void mirror(
      Topology topology,
      String name,
      String topic,
      Deserializer<T> deserializer,
      ScorerEvents events,
      StoreMirror.Listener<T> listener) {
    String storeName = name + "-store";
    StoreBuilder<KeyValueStore<String, byte[]>> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(storeName), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled();
    topology.addGlobalStore(
        store,
        name + "-source",
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        topic,
        name + "-mirror",
        () -> new StoreMirror<>(storeName, topic, deserializer, listener, events));
  }
}
