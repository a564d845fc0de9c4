package io.kalmstream.schemas.serde;

import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} for Avro records (generated classes or {@code GenericRecord}s) in the
 * Confluent wire format, registering under {@code <topic>-value} or {@code <topic>-key}. Either
 * construct it with a {@link RegistryConfig}, or by class name with {@code schema.registry.url}
 * (and optionally {@code auto.register.schemas}) in the client configs.
 */
public class RegistryAvroSerializer<T extends GenericContainer> implements Serializer<T> {
  private AvroCodec<?> codec;
  private boolean isKey;

  /** For instantiation by class name; {@link #configure(Map, boolean)} supplies the registry. */
  public RegistryAvroSerializer() {}

  public RegistryAvroSerializer(RegistryConfig config) {
    this(new SchemaRegistryClient(config));
  }

  /** Shares {@code registry} (and its caches) with other serdes. */
  public RegistryAvroSerializer(SchemaRegistryClient registry) {
    this.codec = AvroCodec.generic(null, registry);
  }

  /** Serializes keys, registering under {@code <topic>-key}. */
  public RegistryAvroSerializer<T> forKeys() {
    this.isKey = true;
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    if (configs.containsKey(RegistryConfig.URL_CONFIG)) {
      this.codec =
          AvroCodec.generic(null, new SchemaRegistryClient(RegistryConfig.fromMap(configs)));
    }
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (codec == null) {
      throw new IllegalStateException(
          "RegistryAvroSerializer is not configured: set " + RegistryConfig.URL_CONFIG);
    }
    return codec.encode(Subjects.forTopic(topic, isKey), data);
  }
}
