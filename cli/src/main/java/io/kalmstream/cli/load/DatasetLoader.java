package io.kalmstream.cli.load;

import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.serde.RegistryAvroSerializer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces a {@link LoadPlan} to Kafka: descriptions and held-out triples at full speed, then the
 * training triples paced at a given rate with the queries spread through them. Keys follow
 * DESIGN.md: the entity or relation id, the triple id (head TAB relation TAB tail), the query id.
 */
public final class DatasetLoader {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);

  /** What a load sent, per kind of record; fewer than planned when it was stopped. */
  public record Summary(
      long relations,
      long entities,
      long evalTriples,
      long trainTriples,
      long queries,
      boolean stopped) {}

  private static final long QUERY_GATE_POLL_MILLIS = 500;

  private final Producer<String, SpecificRecord> producer;
  private final Topics topics;
  private final Progress progress;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

  public DatasetLoader(
      Producer<String, SpecificRecord> producer, Topics topics, Progress progress) {
    this.producer = producer;
    this.topics = topics;
    this.progress = progress;
  }

  /**
   * A producer for any cluster: idempotent, acks=all, values in the Confluent wire format through
   * the registry.
   */
  public static Producer<String, SpecificRecord> producer(KafkaConnection connection) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "kalm-load");
    return new KafkaProducer<>(
        props, new StringSerializer(), new RegistryAvroSerializer<>(connection.registry()));
  }

  /**
   * Sends the plan; returns early (after flushing what was sent) when {@code stop} turns true.
   *
   * @param trainPerSecond pace of the training triples; <= 0 for as fast as possible
   */
  public Summary load(LoadPlan plan, double trainPerSecond, BooleanSupplier stop)
      throws InterruptedException {
    return load(plan, trainPerSecond, stop, () -> true);
  }

  /**
   * As {@link #load(LoadPlan, double, BooleanSupplier)}, holding each query back until {@code
   * queriesWelcome} says the scorer can answer it (the training stream goes on meanwhile); at the
   * end of the stream the loader waits for it before sending the queries still held.
   */
  public Summary load(
      LoadPlan plan, double trainPerSecond, BooleanSupplier stop, BooleanSupplier queriesWelcome)
      throws InterruptedException {
    long relations =
        sendAll(topics.relations().name(), plan.relations(), RelationDescription::getId, stop);
    long entities =
        sendAll(topics.entities().name(), plan.entities(), EntityDescription::getId, stop);
    long eval = sendAll(topics.evalTriples().name(), plan.eval(), TripleIds::of, stop);
    long[] streamed = streamTrainWithQueries(plan, trainPerSecond, stop, queriesWelcome);
    boolean stopped = stop.getAsBoolean();
    Summary summary = new Summary(relations, entities, eval, streamed[0], streamed[1], stopped);
    LOG.info(
        "load {}: {} training triples to {}, {} queries to {}",
        stopped ? "stopped" : "done",
        streamed[0],
        topics.triples().name(),
        streamed[1],
        topics.queries().name());
    return summary;
  }

  private <T extends SpecificRecord> long sendAll(
      String topic, List<T> records, Function<T, String> key, BooleanSupplier stop) {
    progress.start(topic, records.size());
    long sent = 0;
    for (T record : records) {
      if (stop.getAsBoolean()) {
        break;
      }
      send(topic, key.apply(record), record);
      progress.advance(++sent);
    }
    flush();
    progress.finish();
    LOG.info("sent {} records to {}", sent, topic);
    return sent;
  }

  /** Returns {training triples sent, queries sent}. */
  private long[] streamTrainWithQueries(
      LoadPlan plan, double perSecond, BooleanSupplier stop, BooleanSupplier queriesWelcome)
      throws InterruptedException {
    String triplesTopic = topics.triples().name();
    String queriesTopic = topics.queries().name();
    List<Triple> train = plan.train();
    List<LinkPredictionQuery> queries = plan.queries();
    RatePacer pacer = new RatePacer(perSecond);
    progress.start(triplesTopic, train.size());
    int nextQuery = 0;
    long sent = 0;
    boolean toldWaiting = false;
    while (!stop.getAsBoolean()) {
      while (nextQuery < queries.size()
          && plan.trainTriplesBeforeQuery(nextQuery) <= sent
          && queriesWelcome.getAsBoolean()) {
        LinkPredictionQuery query = queries.get(nextQuery++);
        send(queriesTopic, query.getQueryId(), query);
      }
      if (sent == train.size()) {
        if (nextQuery == queries.size()) {
          break;
        }
        if (!toldWaiting) {
          LOG.info(
              "training stream done; {} queries wait until the scorer can answer them",
              queries.size() - nextQuery);
          toldWaiting = true;
        }
        Thread.sleep(QUERY_GATE_POLL_MILLIS);
        continue;
      }
      pacer.awaitTurn(sent);
      Triple triple = train.get((int) sent);
      send(triplesTopic, TripleIds.of(triple), triple);
      progress.advance(++sent);
    }
    flush();
    progress.finish();
    return new long[] {sent, nextQuery};
  }

  private void send(String topic, String key, SpecificRecord value) {
    failIfAnySendFailed();
    producer.send(
        new ProducerRecord<>(topic, key, value),
        (metadata, error) -> {
          if (error != null) {
            sendFailure.compareAndSet(null, error);
          }
        });
  }

  private void flush() {
    producer.flush();
    failIfAnySendFailed();
  }

  private void failIfAnySendFailed() {
    Exception failure = sendFailure.get();
    if (failure != null) {
      throw new IllegalStateException(
          "the load stopped: a record could not be written to Kafka: " + failure, failure);
    }
  }
}
