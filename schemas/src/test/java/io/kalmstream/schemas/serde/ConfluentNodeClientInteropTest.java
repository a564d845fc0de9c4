package io.kalmstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.testing.BrokerIo;
import io.kalmstream.schemas.testing.NodeInterop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with Confluent's own client ({@code @confluentinc/schemaregistry} from npm,
 * version pinned in the test resources' package.json and lock file): the JS client registers and
 * serializes a Triple that the Java deserializer reads, and reads a Triple that the Java serializer
 * wrote. The Java side moves the bytes through the real broker; between Java and Node they travel
 * as files.
 */
class ConfluentNodeClientInteropTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static NodeInterop node;
  private final SchemaRegistryClient registry =
      new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));

  @BeforeAll
  static void installConfluentClient() throws Exception {
    node = NodeInterop.install(Path.of("target", "node-interop").toAbsolutePath());
  }

  @Test
  void javaReadsWhatTheConfluentClientWrote() throws Exception {
    String topic = "interop.from-js";
    RUNTIME.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    // The schema file itself, as a producer in another language would register it.
    Path schemaFile = Path.of("src/main/avro/Triple.avsc").toAbsolutePath();
    Path recordFile = node.dir().resolve("triple.json");
    Files.writeString(
        recordFile,
        "{\"head\":\"js head\",\"relation\":\"_hypernym\",\"tail\":\"t\u00e9\",\"split\":\"train\","
            + "\"source\":null,\"eventTime\":1700000000123}");
    Path bytesFile = node.dir().resolve("from-js.bin");

    JsonNode registered =
        JSON.readTree(
            node.node(
                "serialize",
                RUNTIME.registryUrl(),
                topic,
                schemaFile.toString(),
                recordFile.toString(),
                bytesFile.toString()));
    BrokerIo.produceBytes(RUNTIME.bootstrapServers(), topic, "k", Files.readAllBytes(bytesFile));
    byte[] fromBroker = BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), topic).get(0).value();

    int id = registered.get("id").asInt();
    assertEquals(id, ConfluentWireFormat.schemaId(fromBroker));
    AvroCodec<Triple> lookupOnly =
        AvroCodec.specific(
            Triple.class,
            new SchemaRegistryClient(
                RegistryConfig.of(RUNTIME.registryUrl()).withAutoRegister(false)));
    assertEquals(
        id,
        lookupOnly.schemaId(Subjects.valueSubject(topic), Triple.getClassSchema()),
        "Java finds the schema the JS client registered from the .avsc file under the TopicNameStrategy subject");
    Triple expected =
        Triple.newBuilder()
            .setHead("js head")
            .setRelation("_hypernym")
            .setTail("t\u00e9")
            .setSplit("train")
            .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
            .build();
    assertEquals(expected, AvroCodec.specific(Triple.class, registry).decode(fromBroker));
  }

  @Test
  void kafkajsDefaultRegisterWorksOnASubjectJavaCreated() throws Exception {
    String subject = Subjects.valueSubject("interop.kafkajs");
    int id = registry.register(subject, Triple.getClassSchema());
    assertEquals(
        registry.compatibilityLevel(null),
        subjectLevelAsStored(subject),
        "the subject states its level instead of leaving the registry's NONE for 'unset'");
    Path schemaFile = node.dir().resolve("triple-from-java.avsc");
    Files.writeString(schemaFile, Triple.getClassSchema().toString());
    JsonNode registered =
        JSON.readTree(
            node.node("kafkajs-register", RUNTIME.registryUrl(), subject, schemaFile.toString()));
    assertEquals(id, registered.get("id").asInt());
  }

  /** The subject's own config, without falling back to the global level. */
  private static String subjectLevelAsStored(String subject) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(RUNTIME.registryUrl() + "/config/" + subject))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body()).path("compatibilityLevel").asText();
  }

  @Test
  void confluentClientReadsWhatJavaWrote() throws Exception {
    String topic = "interop.from-java";
    RUNTIME.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));
    Triple triple =
        Triple.newBuilder()
            .setHead("java head")
            .setRelation("_member_of")
            .setTail("\u4e2d")
            .setSource("kalm")
            .setEventTime(Instant.ofEpochMilli(1_600_000_000_456L))
            .build();
    BrokerIo.produce(
        RUNTIME.bootstrapServers(),
        new RegistryAvroSerializer<>(registry),
        List.of(new ProducerRecord<>(topic, "k", triple)));
    Path bytesFile = node.dir().resolve("from-java.bin");
    Files.write(bytesFile, BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), topic).get(0).value());

    JsonNode read =
        JSON.readTree(node.node("deserialize", RUNTIME.registryUrl(), topic, bytesFile.toString()));
    assertEquals(
        JSON.readTree(
            "{\"head\":\"java head\",\"relation\":\"_member_of\",\"tail\":\"\u4e2d\",\"split\":null,"
                + "\"source\":\"kalm\",\"eventTime\":1600000000456}"),
        read);
  }
}
