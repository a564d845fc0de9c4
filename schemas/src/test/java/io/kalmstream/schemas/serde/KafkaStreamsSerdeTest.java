package io.kalmstream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.testing.BrokerIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kafka Streams application on the real broker reading and writing Avro through {@link
 * RegistryAvroSerde}.
 */
class KafkaStreamsSerdeTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private static final String INPUT = "streams.triples";
  private static final String OUTPUT = "streams.inverse";

  @Test
  void streamsAppInvertsTriples(@TempDir Path stateDir) {
    RUNTIME.createTopics(
        List.of(new NewTopic(INPUT, 1, (short) 1), new NewTopic(OUTPUT, 1, (short) 1)));
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));
    RegistryAvroSerde<Triple> serde = RegistryAvroSerde.of(Triple.class, registry);
    Triple fact =
        Triple.newBuilder().setHead("dog").setRelation("hypernym").setTail("animal").build();
    BrokerIo.produce(
        RUNTIME.bootstrapServers(),
        serde.serializer(),
        List.of(new ProducerRecord<>(INPUT, "k", fact)));

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(INPUT, Consumed.with(Serdes.String(), serde))
        .mapValues(
            t ->
                Triple.newBuilder(t)
                    .setHead(t.getTail())
                    .setTail(t.getHead())
                    .setRelation("inverse " + t.getRelation())
                    .build())
        .to(OUTPUT, Produced.with(Serdes.String(), serde));
    Properties props = new Properties();
    props.putAll(
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            "serde-test",
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
            RUNTIME.bootstrapServers(),
            StreamsConfig.STATE_DIR_CONFIG,
            stateDir.toString(),
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
            "100",
            "auto.offset.reset",
            "earliest"));
    List<ConsumerRecord<String, Triple>> output;
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
      streams.start();
      output = awaitRecords(OUTPUT, serde, Duration.ofSeconds(60));
    }
    assertEquals(
        Triple.newBuilder()
            .setHead("animal")
            .setRelation("inverse hypernym")
            .setTail("dog")
            .build(),
        output.get(0).value());
  }

  private static List<ConsumerRecord<String, Triple>> awaitRecords(
      String topic, RegistryAvroSerde<Triple> serde, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      List<ConsumerRecord<String, Triple>> records =
          BrokerIo.readAll(RUNTIME.bootstrapServers(), topic, serde.deserializer());
      if (!records.isEmpty()) {
        return records;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no output on " + topic + " within " + limit);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
