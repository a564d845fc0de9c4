package io.kalmstream.schemas.serde;

import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka Streams {@link Serde} for a generated Avro class, through the schema registry: {@code
 * Consumed.with(Serdes.String(), RegistryAvroSerde.of(Triple.class, registryConfig))}. Serdes
 * passed to Streams this way are used as constructed (Streams does not configure them), so
 * construct them complete.
 */
public final class RegistryAvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final RegistryAvroSerializer<T> serializer;
  private final RegistryAvroDeserializer<T> deserializer;

  private RegistryAvroSerde(
      RegistryAvroSerializer<T> serializer, RegistryAvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  public static <T extends SpecificRecord> RegistryAvroSerde<T> of(
      Class<T> type, RegistryConfig config) {
    return of(type, new SchemaRegistryClient(config));
  }

  /** Value serde sharing {@code registry} (and its caches). */
  public static <T extends SpecificRecord> RegistryAvroSerde<T> of(
      Class<T> type, SchemaRegistryClient registry) {
    return new RegistryAvroSerde<>(
        new RegistryAvroSerializer<>(registry), RegistryAvroDeserializer.specific(type, registry));
  }

  /** Key serde: schemas go under {@code <topic>-key}. */
  public static <T extends SpecificRecord> RegistryAvroSerde<T> forKeys(
      Class<T> type, SchemaRegistryClient registry) {
    return new RegistryAvroSerde<>(
        new RegistryAvroSerializer<T>(registry).forKeys(),
        RegistryAvroDeserializer.specific(type, registry));
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(Map.of(), isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
