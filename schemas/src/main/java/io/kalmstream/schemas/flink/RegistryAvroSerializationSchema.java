package io.kalmstream.schemas.flink;

import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import io.kalmstream.schemas.serde.Subjects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * Flink {@link SerializationSchema} writing Avro records in the Confluent wire format for one
 * topic, registering under {@code <topic>-value}. Only the topic and the {@link RegistryConfig}
 * travel with the job graph; the registry client is created in {@link #open(InitializationContext)}
 * on each task.
 */
public final class RegistryAvroSerializationSchema<T extends SpecificRecord>
    implements SerializationSchema<T> {
  private static final long serialVersionUID = 1L;
  private final String subject;
  private final RegistryConfig config;
  private transient AvroCodec<GenericRecord> codec;

  private RegistryAvroSerializationSchema(String subject, RegistryConfig config) {
    this.subject = subject;
    this.config = config;
  }

  /** Values of {@code topic}. */
  public static <T extends SpecificRecord> RegistryAvroSerializationSchema<T> forTopic(
      String topic, RegistryConfig config) {
    return new RegistryAvroSerializationSchema<>(Subjects.valueSubject(topic), config);
  }

  /** Keys of {@code topic}. */
  public static <T extends SpecificRecord> RegistryAvroSerializationSchema<T> forTopicKeys(
      String topic, RegistryConfig config) {
    return new RegistryAvroSerializationSchema<>(Subjects.keySubject(topic), config);
  }

  @Override
  public void open(InitializationContext context) {
    codec();
  }

  @Override
  public byte[] serialize(T element) {
    return codec().encode(subject, element);
  }

  private AvroCodec<GenericRecord> codec() {
    if (codec == null) {
      codec = AvroCodec.generic(null, new SchemaRegistryClient(config));
    }
    return codec;
  }
}
