package io.kalmstream.ingest;

import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import io.kalmstream.schemas.serde.Subjects;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes an element as a Kafka record with a string key and an Avro value in the Confluent wire
 * format, registered under {@code <topic>-value}. A null value makes a tombstone. The record
 * carries the element's event time, or, for {@link #stampedWhenWritten}, the producer's clock.
 */
final class KeyedAvroRecords<T> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final RegistryConfig registry;
  private final SerializableFunction<T, String> key;
  private final SerializableFunction<T, ? extends GenericContainer> value;
  private final boolean eventTimestamps;
  private transient AvroCodec<GenericRecord> codec;

  private KeyedAvroRecords(
      String topic,
      RegistryConfig registry,
      SerializableFunction<T, String> key,
      SerializableFunction<T, ? extends GenericContainer> value,
      boolean eventTimestamps) {
    this.topic = topic;
    this.registry = registry;
    this.key = key;
    this.value = value;
    this.eventTimestamps = eventTimestamps;
  }

  static <T> KeyedAvroRecords<T> stampedWithEventTime(
      String topic,
      RegistryConfig registry,
      SerializableFunction<T, String> key,
      SerializableFunction<T, ? extends GenericContainer> value) {
    return new KeyedAvroRecords<>(topic, registry, key, value, true);
  }

  /**
   * For records whose event time may be anything, such as the dead letters of records stamped in
   * 2100 or in 2000: the broker refuses a timestamp more than an hour ahead ({@code
   * log.message.timestamp.after.max.ms}), which would fail the sink, and retention would delete an
   * ancient one at once.
   */
  static <T> KeyedAvroRecords<T> stampedWhenWritten(
      String topic,
      RegistryConfig registry,
      SerializableFunction<T, String> key,
      SerializableFunction<T, ? extends GenericContainer> value) {
    return new KeyedAvroRecords<>(topic, registry, key, value, false);
  }

  @Override
  public void open(
      SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
    codec = AvroCodec.generic(null, new SchemaRegistryClient(registry));
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        eventTimestamps ? timestamp : null,
        key.apply(element).getBytes(StandardCharsets.UTF_8),
        codec.encode(Subjects.valueSubject(topic), value.apply(element)));
  }
}
