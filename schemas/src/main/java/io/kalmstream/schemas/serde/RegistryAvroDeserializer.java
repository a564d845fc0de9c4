package io.kalmstream.schemas.serde;

import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} for the Confluent wire format. {@link #specific(Class,
 * RegistryConfig)} reads into a generated class (resolving older or newer writer schemas against
 * it), {@link #generic(Schema, RegistryConfig)} into {@link GenericRecord}s. Instantiated by class
 * name and configured with {@code schema.registry.url}, it reads into the generated class named by
 * each writer schema. Failures throw {@link AvroSerdeException}.
 */
public class RegistryAvroDeserializer<T> implements Deserializer<T> {
  private AvroCodec<T> codec;

  /** For instantiation by class name; {@link #configure(Map, boolean)} supplies the registry. */
  public RegistryAvroDeserializer() {}

  public RegistryAvroDeserializer(AvroCodec<T> codec) {
    this.codec = codec;
  }

  public static <T extends SpecificRecord> RegistryAvroDeserializer<T> specific(
      Class<T> type, RegistryConfig config) {
    return new RegistryAvroDeserializer<>(
        AvroCodec.specific(type, new SchemaRegistryClient(config)));
  }

  public static <T extends SpecificRecord> RegistryAvroDeserializer<T> specific(
      Class<T> type, SchemaRegistryClient registry) {
    return new RegistryAvroDeserializer<>(AvroCodec.specific(type, registry));
  }

  /** Reads into {@code readerSchema}, or into each record's writer schema when it is null. */
  public static RegistryAvroDeserializer<GenericRecord> generic(
      Schema readerSchema, RegistryConfig config) {
    return new RegistryAvroDeserializer<>(
        AvroCodec.generic(readerSchema, new SchemaRegistryClient(config)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (codec == null) {
      codec =
          (AvroCodec<T>)
              AvroCodec.specificByWriterName(
                  new SchemaRegistryClient(RegistryConfig.fromMap(configs)));
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (codec == null) {
      throw new IllegalStateException(
          "RegistryAvroDeserializer is not configured: set " + RegistryConfig.URL_CONFIG);
    }
    return codec.decode(data);
  }
}
