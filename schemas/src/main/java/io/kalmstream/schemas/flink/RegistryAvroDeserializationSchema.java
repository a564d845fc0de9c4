package io.kalmstream.schemas.flink;

import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import io.kalmstream.schemas.serde.AvroSerdeException;
import java.io.IOException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink {@link DeserializationSchema} reading Confluent wire-format records into a generated Avro
 * class, resolving each writer schema against the class's schema. The registry client is created in
 * {@link #open(InitializationContext)} on each task. A bad record fails with an {@link IOException}
 * whose cause is an {@link AvroSerdeException}; a job that must send bad input to the dead-letter
 * topic instead reads raw bytes and decodes with {@link AvroCodec} in its own operator.
 */
public final class RegistryAvroDeserializationSchema<T extends SpecificRecord>
    implements DeserializationSchema<T> {
  private static final long serialVersionUID = 1L;
  private final Class<T> type;
  private final RegistryConfig config;
  private transient AvroCodec<T> codec;

  private RegistryAvroDeserializationSchema(Class<T> type, RegistryConfig config) {
    this.type = type;
    this.config = config;
  }

  public static <T extends SpecificRecord> RegistryAvroDeserializationSchema<T> of(
      Class<T> type, RegistryConfig config) {
    return new RegistryAvroDeserializationSchema<>(type, config);
  }

  @Override
  public void open(InitializationContext context) {
    codec();
  }

  @Override
  public T deserialize(byte[] message) throws IOException {
    try {
      return codec().decode(message);
    } catch (AvroSerdeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private AvroCodec<T> codec() {
    if (codec == null) {
      codec = AvroCodec.specific(type, new SchemaRegistryClient(config));
    }
    return codec;
  }

  @Override
  public boolean isEndOfStream(T nextElement) {
    return false;
  }

  /**
   * An AvroTypeInfo: Flink recognises generated Avro classes when flink-avro is on the classpath,
   * as in any job.
   */
  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }
}
