package io.kalmstream.cli;

import io.kalmstream.schemas.Direction;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.ScoredEntity;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.RegistryAvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description =
        "Send a link-prediction query to kg.queries and print the answer from kg.predictions.")
final class QueryCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  static final class Subject {
    @Option(names = "--entity", required = true, description = "Id of a known entity")
    String entityId;

    @Option(names = "--text", required = true, description = "Free text standing for an entity")
    String entityText;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Subject subject;

  @Option(names = "--relation", required = true, description = "Relation id")
  String relation;

  @Option(names = "--head", description = "Ask for heads of (?, relation, entity) instead of tails")
  boolean head;

  @Option(
      names = "-k",
      defaultValue = "10",
      description = "Candidates to return (default: ${DEFAULT-VALUE})")
  int k;

  @Option(names = "--filter-known", description = "Leave out answers that are already known facts")
  boolean filterKnown;

  @Option(
      names = "--timeout-s",
      defaultValue = "60",
      description = "How long to wait for the answer")
  int timeoutSeconds;

  @Override
  public Integer call() {
    Topics topics = kafka.topics();
    KafkaConnection connection = kafka.checkedConnection();
    SchemaRegistryClient registry = new SchemaRegistryClient(connection.registry());
    LinkPredictionQuery query =
        LinkPredictionQuery.newBuilder()
            .setQueryId("cli-" + UUID.randomUUID())
            .setEntityId(subject.entityId)
            .setEntityText(subject.entityText)
            .setRelation(relation)
            .setDirection(head ? Direction.HEAD : Direction.TAIL)
            .setK(k)
            .setFilterKnown(filterKnown)
            .build();
    Map<String, Object> common = connection.clientConfig();
    Map<String, Object> consumerProps = connection.clientConfig();
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, LinkPredictionAnswer> consumer =
            new KafkaConsumer<>(
                consumerProps,
                Serdes.String().deserializer(),
                RegistryAvroSerde.of(LinkPredictionAnswer.class, registry).deserializer());
        KafkaProducer<String, LinkPredictionQuery> producer =
            new KafkaProducer<>(
                common,
                Serdes.String().serializer(),
                RegistryAvroSerde.of(LinkPredictionQuery.class, registry).serializer())) {
      // Position at the end of the answers before asking, so the wait cannot miss the answer.
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.predictions().name()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      producer.send(new ProducerRecord<>(topics.queries().name(), query.getQueryId(), query));
      producer.flush();
      long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, LinkPredictionAnswer> r :
            consumer.poll(Duration.ofMillis(200))) {
          if (query.getQueryId().equals(r.key())) {
            print(r.value());
            return r.value().getError() == null ? 0 : 1;
          }
        }
      }
    }
    System.err.println(
        "kalm query: no answer to "
            + query.getQueryId()
            + " within "
            + timeoutSeconds
            + " s; is kalm score running?");
    return 2;
  }

  private static void print(LinkPredictionAnswer answer) {
    if (answer.getError() != null) {
      System.out.println(
          "error: " + answer.getError() + " (model version " + answer.getModelVersion() + ")");
      return;
    }
    System.out.printf(
        "model version %d, %.1f ms%n", answer.getModelVersion(), answer.getLatencyMs());
    int rank = 1;
    for (ScoredEntity e : answer.getCandidates()) {
      System.out.printf(
          "%3d  %.4f  %-12s %s%n", rank++, e.getScore(), e.getEntityId(), e.getName());
    }
  }
}
