package io.kalmstream.schemas.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import io.kalmstream.schemas.serde.AvroSerdeException;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import io.kalmstream.schemas.testing.BrokerIo;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The path every component takes with bad input: decode fails, the original bytes go to the DLQ
 * with the reason.
 */
class DeadLettersTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();

  @Test
  void undecodableRecordLandsInTheDeadLetterTopicWithItsBytesAndReason() {
    String source = "dlq.source";
    String dlq = "dlq.letters";
    RUNTIME.createTopics(
        List.of(new NewTopic(source, 1, (short) 1), new NewTopic(dlq, 1, (short) 1)));
    byte[] garbage = "\u0000\u0000garbage".getBytes(StandardCharsets.UTF_8);
    BrokerIo.produceBytes(RUNTIME.bootstrapServers(), source, "h\tr\tt", garbage);

    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));
    AvroCodec<Triple> codec = AvroCodec.specific(Triple.class, registry);
    ConsumerRecord<String, byte[]> input =
        BrokerIo.readAllBytes(RUNTIME.bootstrapServers(), source).get(0);
    AvroSerdeException failure =
        assertThrows(AvroSerdeException.class, () -> codec.decode(input.value()));
    DeadLetter letter =
        DeadLetters.of(
            "ingest",
            input.topic(),
            input.partition(),
            input.offset(),
            input.key().getBytes(StandardCharsets.UTF_8),
            input.value(),
            DeadLetters.reason(failure),
            java.time.Instant.now());
    BrokerIo.produce(
        RUNTIME.bootstrapServers(),
        new RegistryAvroSerializer<>(registry),
        List.of(DeadLetters.toProducerRecord(dlq, letter)));

    ConsumerRecord<String, DeadLetter> stored =
        BrokerIo.readAll(
                RUNTIME.bootstrapServers(),
                dlq,
                RegistryAvroDeserializer.specific(DeadLetter.class, registry))
            .get(0);
    assertEquals(source, stored.key());
    DeadLetter read = stored.value();
    assertEquals("ingest", read.getComponent());
    assertEquals(source, read.getSourceTopic());
    assertEquals(0, read.getSourcePartition());
    assertEquals(input.offset(), read.getSourceOffset());
    assertArrayEquals(garbage, bytes(read.getValue()));
    assertArrayEquals("h\tr\tt".getBytes(StandardCharsets.UTF_8), bytes(read.getKey()));
    assertTrue(
        read.getReason().startsWith("AvroSerdeException: unknown writer schema id "),
        read.getReason());
  }

  @Test
  void anOversizedRecordKeepsAPrefixAndSaysSo() {
    byte[] huge = new byte[3 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 7);
    DeadLetter letter =
        DeadLetters.of(
            "ingest",
            "kg.triples",
            0,
            42,
            "k".getBytes(StandardCharsets.UTF_8),
            huge,
            "record too large",
            java.time.Instant.EPOCH);
    assertEquals(DeadLetters.MAX_VALUE_BYTES, letter.getValue().remaining());
    assertTrue(
        letter
            .getReason()
            .toString()
            .startsWith("record too large [value cut: first 524288 of 3145728 bytes kept]"),
        letter.getReason().toString());
    byte[] encoded =
        io.kalmstream.schemas.serde.AvroCodec.specific(
                DeadLetter.class,
                new io.kalmstream.schemas.registry.SchemaRegistryClient(
                    io.kalmstream.schemas.registry.RegistryConfig.of(RUNTIME.registryUrl())))
            .encode(io.kalmstream.schemas.serde.Subjects.valueSubject("kg.dlq"), letter);
    assertTrue(
        encoded.length < 1024 * 1024,
        "fits the producer's default request limit: " + encoded.length);
  }

  @Test
  void reasonNamesTheCauseChainOnce() {
    IllegalStateException inner = new IllegalStateException("disk full");
    RuntimeException outer =
        new RuntimeException(
            "cannot write checkpoint: disk full", new RuntimeException("io", inner));
    assertEquals(
        "RuntimeException: cannot write checkpoint: disk full (caused by RuntimeException: io)",
        DeadLetters.reason(outer));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
