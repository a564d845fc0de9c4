package io.kalmstream.scorer;

import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the queries of one partition that arrive close together and answers them with one forward
 * pass: a batch is flushed when it reaches {@code maxBatch} queries or when the linger punctuation
 * fires. Buffered queries wait in a changelogged store keyed by offset, so a query whose offset is
 * committed before it is answered survives a crash and is answered after restore; deleting it in
 * the same task as forwarding the answer keeps exactly-once processing exact.
 *
 * <p>The punctuation also forwards the metrics, alerts and dead letters raised on the scorer's
 * other threads.
 */
final class QueryBatchProcessor implements Processor<byte[], byte[], String, SpecificRecord> {
  private static final Logger LOG = LoggerFactory.getLogger(QueryBatchProcessor.class);
  static final String PREDICTIONS = "predictions-sink";
  static final String METRICS = "metrics-sink";
  static final String ALERTS = "alerts-sink";
  static final String DEAD_LETTERS = "dlq-sink";

  private final String storeName;
  private final String queryTopic;
  private final Deserializer<LinkPredictionQuery> deserializer;
  private final LinkPredictor predictor;
  private final ScorerEvents events;
  private final ScorerConfig config;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<Long, byte[]> pending;
  private int buffered;

  QueryBatchProcessor(
      String storeName,
      ScorerConfig config,
      Deserializer<LinkPredictionQuery> deserializer,
      LinkPredictor predictor,
      ScorerEvents events) {
    this.storeName = storeName;
    this.queryTopic = config.topics().queries().name();
    this.config = config;
    this.deserializer = deserializer;
    this.predictor = predictor;
    this.events = events;
  }

  /** A buffered query as it was read: enough to answer it or to dead-letter it unchanged. */
  private record Envelope(byte[] key, byte[] value, long timestamp, int partition, long offset) {
    byte[] encode() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeLong(timestamp);
        out.writeInt(partition);
        out.writeLong(offset);
        writeNullable(out, key);
        writeNullable(out, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static Envelope decode(byte[] encoded) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
        long timestamp = in.readLong();
        int partition = in.readInt();
        long offset = in.readLong();
        return new Envelope(readNullable(in), readNullable(in), timestamp, partition, offset);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void writeNullable(DataOutputStream out, byte[] b) throws IOException {
      out.writeInt(b == null ? -1 : b.length);
      if (b != null) {
        out.write(b);
      }
    }

    private static byte[] readNullable(DataInputStream in) throws IOException {
      int n = in.readInt();
      return n < 0 ? null : in.readNBytes(n);
    }
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.pending = context.getStateStore(storeName);
    context.schedule(
        config.batchLinger(),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          flush();
          forwardEvents();
        });
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    pending.put(
        meta.offset(),
        new Envelope(
                record.key(), record.value(), record.timestamp(), meta.partition(), meta.offset())
            .encode());
    if (++buffered >= config.maxBatch()) {
      flush();
      // the dead letters of this flush go out in the transaction that deletes their pending
      // queries, so a kill cannot commit one without the other
      forwardEvents();
    }
  }

  private void flush() {
    buffered = 0;
    List<Envelope> envelopes = new ArrayList<>();
    try (KeyValueIterator<Long, byte[]> all = pending.all()) {
      all.forEachRemaining(kv -> envelopes.add(Envelope.decode(kv.value)));
    }
    if (envelopes.isEmpty()) {
      return;
    }
    List<LinkPredictor.TimedQuery> queries = new ArrayList<>();
    for (Envelope e : envelopes) {
      LinkPredictionQuery query = decode(e);
      if (query != null) {
        queries.add(new LinkPredictor.TimedQuery(query, e.timestamp()));
      }
    }
    List<LinkPredictionAnswer> answers;
    try {
      answers = predictor.answer(queries);
    } catch (RuntimeException e) {
      // A failing forward pass must not leave the batch in the store to fail again after every
      // restart.
      LOG.error(
          "answering {} queries of {}-{} failed",
          queries.size(),
          queryTopic,
          envelopes.get(0).partition(),
          e);
      answers = queries.stream().map(q -> LinkPredictor.failed(q, "scoring failed: " + e)).toList();
    }
    long now = System.currentTimeMillis();
    for (LinkPredictionAnswer answer : answers) {
      events.answered(answer);
      context.forward(
          new Record<String, SpecificRecord>(answer.getQueryId(), answer, now), PREDICTIONS);
    }
    for (Envelope e : envelopes) {
      pending.delete(e.offset());
    }
  }

  /** The query, or null after sending the record to the dead-letter queue. */
  private LinkPredictionQuery decode(Envelope e) {
    String reason;
    try {
      LinkPredictionQuery query =
          e.value() == null ? null : deserializer.deserialize(queryTopic, e.value());
      if (query == null) {
        reason = "query record has no value";
      } else if (query.getQueryId() == null || query.getQueryId().isBlank()) {
        reason = "query has no queryId";
      } else {
        return query;
      }
    } catch (RuntimeException ex) {
      reason = "undecodable query: " + ex.getMessage();
    }
    events.deadLetter(queryTopic, e.partition(), e.offset(), e.key(), e.value(), reason);
    return null;
  }

  private void forwardEvents() {
    long now = System.currentTimeMillis();
    events
        .drainMetrics()
        .forEach(
            m ->
                context.forward(new Record<>(Long.toString(m.getModelVersion()), m, now), METRICS));
    events.drainAlerts().forEach(a -> context.forward(new Record<>(a.getKind(), a, now), ALERTS));
    events
        .drainDeadLetters()
        .forEach(d -> context.forward(new Record<>(d.getSourceTopic(), d, now), DEAD_LETTERS));
  }
}
