package io.kalmstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.registry.Compatibility;
import io.kalmstream.schemas.registry.IncompatibleSchemaException;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaNotFoundException;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.testing.BrokerIo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Bad bytes and bad schemas each fail fast with a message that says what is wrong. */
class BadInputTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final Duration NO_HANG = Duration.ofSeconds(30);
  private final SchemaRegistryClient registry =
      new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));
  private final AvroCodec<Triple> codec = AvroCodec.specific(Triple.class, registry);

  @Test
  void garbageBytesFromTheBrokerAreRejectedWithTheReason() {
    String topic = "bad.garbage";
    RUNTIME.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    BrokerIo.produceBytes(
        RUNTIME.bootstrapServers(),
        topic,
        "k",
        "{\"head\":\"not avro\"}".getBytes(StandardCharsets.UTF_8));
    byte[] garbage = BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), topic).get(0).value();

    AvroSerdeException e =
        assertTimeoutPreemptively(
            NO_HANG, () -> assertThrows(AvroSerdeException.class, () -> codec.decode(garbage)));
    assertEquals(
        "not in the Confluent wire format: first byte is 0x7b, expected the magic byte 0x00",
        e.getMessage());
  }

  @Test
  void tooShortForTheHeader() {
    AvroSerdeException e =
        assertThrows(AvroSerdeException.class, () -> codec.decode(new byte[] {0, 0, 1}));
    assertEquals(
        "not in the Confluent wire format: 3 bytes, but the header alone (magic byte 0 and a 4-byte schema id)"
            + " takes 5",
        e.getMessage());
  }

  @Test
  void unknownSchemaId() {
    byte[] data = withHeader(987_654, new byte[] {2, 'h', 2, 'r', 2, 't', 0, 0, 0});
    AvroSerdeException e =
        assertTimeoutPreemptively(
            NO_HANG, () -> assertThrows(AvroSerdeException.class, () -> codec.decode(data)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "unknown writer schema id 987654: GET "
                    + RUNTIME.registryUrl()
                    + "/schemas/ids/987654 failed: HTTP 404"),
        e.getMessage());
    assertInstanceOf(SchemaNotFoundException.class, e.getCause());
  }

  @Test
  void payloadThatDoesNotMatchItsWriterSchema() {
    int id = codec.schemaId("bad.payload-value", Triple.getClassSchema());
    // A string length of 100 bytes, then the payload ends.
    AvroSerdeException truncated =
        assertThrows(
            AvroSerdeException.class, () -> codec.decode(withHeader(id, new byte[] {(byte) 200})));
    assertTrue(
        truncated
            .getMessage()
            .startsWith(
                "cannot decode the Avro payload of 1 bytes with writer schema id "
                    + id
                    + " (io.kalmstream.schemas.Triple): "),
        truncated.getMessage());

    byte[] valid =
        codec.encode(
            "bad.payload-value",
            Triple.newBuilder().setHead("h").setRelation("r").setTail("t").build());
    byte[] trailing = Arrays.copyOf(valid, valid.length + 3);
    AvroSerdeException leftOver =
        assertThrows(AvroSerdeException.class, () -> codec.decode(trailing));
    assertEquals(
        "Avro payload of "
            + (trailing.length - 5)
            + " bytes with writer schema id "
            + id
            + " has bytes left over after the record",
        leftOver.getMessage());
  }

  @Test
  void incompatibleSchemaIsRefusedByTheRegistryAndTheSerializer() throws Exception {
    String subject = "bad.compat-value";
    registry.register(subject, Triple.getClassSchema());
    // Same record, but head changes from string to int: old records could no longer be read.
    Schema breaking = tripleWithIntHead();

    Compatibility check = registry.checkCompatibility(subject, breaking);
    assertFalse(check.compatible());
    assertTrue(registry.checkCompatibility(subject, Triple.getClassSchema()).compatible());

    IncompatibleSchemaException refused =
        assertThrows(IncompatibleSchemaException.class, () -> registry.register(subject, breaking));
    assertEquals(409, refused.status());
    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "POST "
                    + RUNTIME.registryUrl()
                    + "/subjects/bad.compat-value/versions"
                    + " failed: HTTP 409"),
        refused.getMessage());

    GenericRecord record =
        new GenericRecordBuilder(breaking)
            .set("head", 7)
            .set("relation", "r")
            .set("tail", "t")
            .build();
    AvroSerdeException e =
        assertThrows(
            AvroSerdeException.class,
            () -> new RegistryAvroSerializer<>(registry).serialize("bad.compat", record));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot register schema io.kalmstream.schemas.Triple under subject "
                    + "bad.compat-value: POST"),
        e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 409"), e.getMessage());
  }

  @Test
  void missingSchemaWithAutoRegistrationOff() {
    SchemaRegistryClient lookupOnly =
        new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()).withAutoRegister(false));
    Triple triple = Triple.newBuilder().setHead("h").setRelation("r").setTail("t").build();
    AvroSerdeException e =
        assertThrows(
            AvroSerdeException.class,
            () ->
                new RegistryAvroSerializer<Triple>(lookupOnly)
                    .serialize("bad.unregistered", triple));
    assertTrue(
        e.getMessage()
            .startsWith(
                "schema io.kalmstream.schemas.Triple is not registered under subject "
                    + "bad.unregistered-value and auto-registration is off: POST"),
        e.getMessage());
  }

  private static Schema tripleWithIntHead() throws Exception {
    ObjectNode schema =
        (ObjectNode) new ObjectMapper().readTree(Triple.getClassSchema().toString());
    for (JsonNode field : schema.get("fields")) {
      if (field.get("name").asText().equals("head")) {
        ((ObjectNode) field).put("type", "int");
      }
    }
    return new Schema.Parser().parse(schema.toString());
  }

  private static byte[] withHeader(int id, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(id).put(payload).array();
  }
}
