package io.kalmstream.ingest;

import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.kafka.TopicSpec;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.RegistryConfig;
import io.kalmstream.schemas.serde.RegistryAvroDeserializer;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real broker and registry of the embedded module, with helpers to write a slice and read the
 * outputs.
 */
final class KafkaFixture {
  final KafkaAndRegistry runtime = KafkaAndRegistry.shared();
  final RegistryConfig registry = RegistryConfig.of(runtime.registryUrl());

  /** The pipeline's topics under a prefix of their own, created on the broker. */
  Topics createTopics(String prefix) {
    Map<String, String> renames = new HashMap<>();
    Topics.defaults().all().forEach(t -> renames.put(t.name(), prefix + "." + t.name()));
    Topics topics = Topics.defaults().withOverrides(renames);
    List<NewTopic> created = new ArrayList<>();
    for (TopicSpec spec : topics.all()) {
      created.add(
          new NewTopic(spec.name(), spec.partitions(), (short) 1)
              .configs(Map.of("cleanup.policy", spec.compacted() ? "compact" : "delete")));
    }
    runtime.createTopics(created);
    return topics;
  }

  void produce(Topics topics, KgSlice slice) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, GenericContainer> producer =
        new KafkaProducer<>(
            props, new StringSerializer(), new RegistryAvroSerializer<>(registry))) {
      for (KgSlice.Input in : slice.records) {
        String topic =
            switch (in.topic()) {
              case TRIPLES -> topics.triples().name();
              case ENTITIES -> topics.entities().name();
              case RELATIONS -> topics.relations().name();
            };
        producer.send(
            new ProducerRecord<>(
                topic, null, in.timestamp(), in.key(), (GenericContainer) in.value()));
      }
      producer.flush();
    }
  }

  void produceRaw(String topic, byte[] key, byte[] value, long timestamp) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, null, timestamp, key, value));
      producer.flush();
    }
  }

  /**
   * Every committed record of a topic, values decoded (null for tombstones), in partition order.
   */
  <T extends SpecificRecord> List<ConsumerRecord<String, T>> readCommitted(
      String topic, Class<T> type) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<ConsumerRecord<String, T>> records = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(
            props, new StringDeserializer(), RegistryAvroDeserializer.specific(type, registry))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.currentTimeMillis() + 60_000;
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end " + end);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  static <T> List<T> values(List<ConsumerRecord<String, T>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }
}
