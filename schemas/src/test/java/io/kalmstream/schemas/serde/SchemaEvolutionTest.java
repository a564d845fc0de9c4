package io.kalmstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.testing.BrokerIo;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A field added with a default (the evolution BACKWARD compatibility allows): records written with
 * the old and the new schema share a topic; a consumer on the old generated class and a consumer on
 * the new schema read both.
 */
class SchemaEvolutionTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final String TOPIC = "evolution.triples";

  @Test
  void oldAndNewConsumersReadOldAndNewRecords() throws Exception {
    RUNTIME.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)));
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));
    Schema v2 = tripleWithConfidence();

    Triple oldRecord =
        Triple.newBuilder()
            .setHead("h1")
            .setRelation("r")
            .setTail("t1")
            .setSource("wn18rr")
            .build();
    GenericRecord newRecord =
        new GenericRecordBuilder(v2)
            .set("head", "h2")
            .set("relation", "r")
            .set("tail", "t2")
            .set("confidence", 0.25)
            .build();
    BrokerIo.produce(
        RUNTIME.bootstrapServers(),
        new RegistryAvroSerializer<>(registry),
        List.of(
            new ProducerRecord<>(TOPIC, "old", oldRecord),
            new ProducerRecord<>(TOPIC, "new", newRecord)));

    String subject = Subjects.valueSubject(TOPIC);
    assertEquals(
        2, registry.versions(subject).size(), "the new schema is a second version of the subject");
    List<ConsumerRecord<String, byte[]>> raw =
        BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), TOPIC);
    assertNotEquals(
        ConfluentWireFormat.schemaId(raw.get(0).value()),
        ConfluentWireFormat.schemaId(raw.get(1).value()));

    List<Triple> oldConsumer =
        BrokerIo.readAll(
                RUNTIME.bootstrapServers(),
                TOPIC,
                RegistryAvroDeserializer.specific(Triple.class, registry))
            .stream()
            .map(ConsumerRecord::value)
            .toList();
    assertEquals(oldRecord, oldConsumer.get(0));
    assertEquals(
        Triple.newBuilder().setHead("h2").setRelation("r").setTail("t2").build(),
        oldConsumer.get(1),
        "the old reader skips the field it does not know");

    List<GenericRecord> newConsumer =
        BrokerIo.readAll(
                RUNTIME.bootstrapServers(),
                TOPIC,
                RegistryAvroDeserializer.generic(v2, registry.config()))
            .stream()
            .map(ConsumerRecord::value)
            .toList();
    assertEquals(v2, newConsumer.get(0).getSchema());
    assertEquals("h1", newConsumer.get(0).get("head").toString());
    assertEquals("wn18rr", newConsumer.get(0).get("source").toString());
    assertEquals(
        1.0, newConsumer.get(0).get("confidence"), "an old record gets the new field's default");
    assertEquals(0.25, newConsumer.get(1).get("confidence"));
    assertNull(newConsumer.get(1).get("source"));
    assertTrue(GenericData.get().validate(v2, newConsumer.get(1)));
  }

  /** Triple's schema plus {@code confidence: double = 1.0}. */
  static Schema tripleWithConfidence() throws Exception {
    ObjectMapper json = new ObjectMapper();
    ObjectNode schema = (ObjectNode) json.readTree(Triple.getClassSchema().toString());
    ((ArrayNode) schema.get("fields"))
        .addObject()
        .put("name", "confidence")
        .put("type", "double")
        .put("default", 1.0)
        .put("doc", "How sure the producer is of the fact.");
    return new Schema.Parser().parse(schema.toString());
  }
}
