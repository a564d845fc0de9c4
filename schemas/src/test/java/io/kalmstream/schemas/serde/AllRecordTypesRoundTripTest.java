package io.kalmstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.registry.RegisteredSchema;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.testing.BrokerIo;
import io.kalmstream.schemas.testing.SampleRecords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every generated record type, through the real registry and the real broker and back, field for
 * field.
 */
class AllRecordTypesRoundTripTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final List<Class<? extends SpecificRecord>> TYPES =
      SampleRecords.allGeneratedTypes();

  @BeforeAll
  static void createTopics() {
    RUNTIME.createTopics(TYPES.stream().map(t -> new NewTopic(topic(t), 1, (short) 1)).toList());
  }

  @Test
  void coversEveryRecordOfTheIssue() {
    List<String> names = TYPES.stream().map(Class::getSimpleName).toList();
    assertTrue(
        names.containsAll(
            List.of(
                "Triple",
                "EntityDescription",
                "RelationDescription",
                "ContrastivePair",
                "ContrastiveBatch",
                "InstructionExample",
                "InstructionBatch",
                "CheckpointPublished",
                "LinkPredictionQuery",
                "LinkPredictionAnswer",
                "ModelQualityMetric",
                "AnisotropyAlert",
                "DeadLetter")),
        names.toString());
  }

  @Test
  void everyTypeRoundTripsThroughBrokerAndRegistry() {
    Map<String, Object> clientConfig =
        new HashMap<>(RegistryConfig.of(RUNTIME.registryUrl()).toMap());
    // Configured by class name, as a Kafka client built from properties would be.
    RegistryAvroSerializer<SpecificRecord> serializer = new RegistryAvroSerializer<>();
    serializer.configure(clientConfig, false);
    List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
    for (Class<? extends SpecificRecord> type : TYPES) {
      records.add(new ProducerRecord<>(topic(type), "k", SampleRecords.sample(type, 3)));
      records.add(new ProducerRecord<>(topic(type), "k", SampleRecords.sample(type, 4)));
    }
    BrokerIo.produce(RUNTIME.bootstrapServers(), serializer, records);

    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));
    RegistryAvroDeserializer<Object> byWriterName = new RegistryAvroDeserializer<>();
    byWriterName.configure(clientConfig, false);
    for (Class<? extends SpecificRecord> type : TYPES) {
      List<SpecificRecord> expected =
          List.of(SampleRecords.sample(type, 3), SampleRecords.sample(type, 4));
      assertEquals(
          expected,
          values(BrokerIo.readAll(RUNTIME.bootstrapServers(), topic(type), byWriterName)),
          type.getName());
      assertEquals(
          expected,
          values(
              BrokerIo.readAll(
                  RUNTIME.bootstrapServers(),
                  topic(type),
                  RegistryAvroDeserializer.specific(type, registry))),
          type.getName());

      RegisteredSchema registered = registry.latest(Subjects.valueSubject(topic(type)));
      assertFalse(
          registered.schema().toString().contains("avro.java.string"),
          "registered as in the .avsc file");
      int registeredId = registered.id();
      for (ConsumerRecord<String, byte[]> raw :
          BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), topic(type))) {
        assertEquals(ConfluentWireFormat.MAGIC_BYTE, raw.value()[0]);
        assertEquals(registeredId, ConfluentWireFormat.schemaId(raw.value()), type.getName());
      }
    }
  }

  private static String topic(Class<?> type) {
    return "roundtrip." + type.getSimpleName();
  }

  private static List<Object> values(List<? extends ConsumerRecord<String, ?>> records) {
    return records.stream().map(r -> (Object) r.value()).toList();
  }
}
