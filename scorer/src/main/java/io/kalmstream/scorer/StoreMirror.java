package io.kalmstream.scorer;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps a global store of raw records (what a compacted topic holds) and hands each decoded value
 * to the scorer's in-memory view, also for the values restored into the store at start-up. Values
 * that do not decode are skipped, counted and logged but not dead-lettered: the component that
 * consumes a topic first owns its dead letters (the ingest job for kg.triples, kg.entities and
 * kg.relations), and a global store is read again from the beginning at every start, so letters
 * written here would come again on each restart. The store keeps only good values.
 *
 * @param <T> the Avro value type of the topic
 */
final class StoreMirror<T> implements Processor<String, byte[], Void, Void> {

  /** Receives the decoded content of the store; called again for a key whenever it changes. */
  interface Listener<T> {
    void put(String key, T value);

    void delete(String key);
  }

  private final String storeName;
  private final String topic;
  private final Deserializer<T> deserializer;
  private final Listener<T> listener;
  private final ScorerEvents events;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;

  StoreMirror(
      String storeName,
      String topic,
      Deserializer<T> deserializer,
      Listener<T> listener,
      ScorerEvents events) {
    this.storeName = storeName;
    this.topic = topic;
    this.deserializer = deserializer;
    this.listener = listener;
    this.events = events;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    try (KeyValueIterator<String, byte[]> restored = store.all()) {
      restored.forEachRemaining(
          kv -> {
            try {
              listener.put(kv.key, deserializer.deserialize(topic, kv.value));
            } catch (RuntimeException e) {
              // Only records that decoded once are stored; one that no longer does (its schema was
              // deleted from
              // the registry) is reported and skipped rather than stopping the scorer.
              events.skipped(topic, -1, -1, "restored record no longer decodes: " + e.getMessage());
            }
          });
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      skip("record has no key");
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
      listener.delete(record.key());
      return;
    }
    T value;
    try {
      value = deserializer.deserialize(topic, record.value());
    } catch (RuntimeException e) {
      skip("undecodable value: " + e.getMessage());
      return;
    }
    try {
      listener.put(record.key(), value);
    } catch (RuntimeException e) {
      skip("rejected: " + e.getMessage());
      return;
    }
    store.put(record.key(), record.value());
  }

  private void skip(String reason) {
    RecordMetadata meta = context.recordMetadata().orElse(null);
    events.skipped(
        topic, meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), reason);
  }
}
