package io.kalmstream.schemas.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.serde.AvroSerdeException;
import io.kalmstream.schemas.testing.BrokerIo;
import io.kalmstream.schemas.testing.SampleRecords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The Flink schemas survive Java serialization (as the job graph ships them to task managers), open
 * their registry client on the task, and produce bytes that travel through the real broker and
 * decode again.
 */
class RegistryAvroFlinkSchemasTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final String TOPIC = "flink.batches";

  @Test
  void serializedSchemasRoundTripThroughTheBroker() throws Exception {
    RUNTIME.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)));
    RegistryConfig config = RegistryConfig.of(RUNTIME.registryUrl());
    RegistryAvroSerializationSchema<ContrastiveBatch> serializer =
        shipped(RegistryAvroSerializationSchema.forTopic(TOPIC, config));
    RegistryAvroDeserializationSchema<ContrastiveBatch> deserializer =
        shipped(RegistryAvroDeserializationSchema.of(ContrastiveBatch.class, config));
    serializer.open(null);
    deserializer.open(null);

    ContrastiveBatch batch = SampleRecords.sample(ContrastiveBatch.class, 5);
    BrokerIo.produceBytes(RUNTIME.bootstrapServers(), TOPIC, "b", serializer.serialize(batch));
    byte[] stored = BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), TOPIC).get(0).value();

    assertEquals(batch, deserializer.deserialize(stored));
    assertEquals(ContrastiveBatch.class, deserializer.getProducedType().getTypeClass());
    assertEquals(
        "AvroTypeInfo",
        deserializer.getProducedType().getClass().getSimpleName(),
        "Avro-typed, not Kryo");
    IOException bad =
        assertThrows(
            IOException.class, () -> deserializer.deserialize(new byte[] {1, 2, 3, 4, 5, 6}));
    assertInstanceOf(AvroSerdeException.class, bad.getCause());
    assertTrue(bad.getMessage().startsWith("not in the Confluent wire format"), bad.getMessage());
  }

  @SuppressWarnings("unchecked")
  private static <T> T shipped(T schema) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(schema);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
