package io.kalmstream.ingest;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.dlq.DeadLetters;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import java.util.Map;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads records of the three input topics with the registry-aware Avro codec. It sees the whole
 * consumer record, so tombstones (null values) pass through as retractions and deletions, and a
 * record whose bytes do not decode becomes an UNDECODABLE event with its bytes and coordinates,
 * bound for the dead-letter topic, instead of failing the job.
 */
public final class KgRecordDeserializer implements KafkaRecordDeserializationSchema<KgEvent> {
  private static final long serialVersionUID = 1L;

  private final Map<String, KgEvents.Input> inputsByTopic;
  private final RegistryConfig registry;
  private transient AvroCodec<Triple> triples;
  private transient AvroCodec<EntityDescription> entities;
  private transient AvroCodec<RelationDescription> relations;

  public KgRecordDeserializer(
      String triplesTopic, String entitiesTopic, String relationsTopic, RegistryConfig registry) {
    this.inputsByTopic =
        new java.util.HashMap<>(
            Map.of(
                triplesTopic, KgEvents.Input.TRIPLES,
                entitiesTopic, KgEvents.Input.ENTITIES,
                relationsTopic, KgEvents.Input.RELATIONS));
    this.registry = registry;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    SchemaRegistryClient client = new SchemaRegistryClient(registry);
    triples = AvroCodec.specific(Triple.class, client);
    entities = AvroCodec.specific(EntityDescription.class, client);
    relations = AvroCodec.specific(RelationDescription.class, client);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KgEvent> out) {
    KgEvents.Input input = inputsByTopic.get(record.topic());
    if (input == null) {
      out.collect(
          undecodable(
              record, "record from topic " + record.topic() + ", which is not an input of ingest"));
      return;
    }
    Object value;
    try {
      value = record.value() == null ? null : codec(input).decode(record.value());
    } catch (RuntimeException e) {
      out.collect(undecodable(record, DeadLetters.reason(e)));
      return;
    }
    out.collect(
        KgEvents.of(
            input,
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp(),
            record.key(),
            record.value(),
            value));
  }

  private AvroCodec<?> codec(KgEvents.Input input) {
    return switch (input) {
      case TRIPLES -> triples;
      case ENTITIES -> entities;
      case RELATIONS -> relations;
    };
  }

  private static KgEvent undecodable(ConsumerRecord<byte[], byte[]> record, String reason) {
    return KgEvents.undecodable(
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        record.key(),
        record.value(),
        reason);
  }

  @Override
  public TypeInformation<KgEvent> getProducedType() {
    return TypeInformation.of(KgEvent.class);
  }
}
