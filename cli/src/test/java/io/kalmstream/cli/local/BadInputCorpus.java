package io.kalmstream.cli.local;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import io.kalmstream.schemas.registry.SchemaRegistryClient;
import io.kalmstream.schemas.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One round of input for {@link BadInputCorpusTest}: a slice of WN18RR that trains, and one record
 * of each kind of bad input on every topic a component reads (the graph topics of ingest, the batch
 * topics of the trainer, the query topic of the scorer). Every record is sent synchronously, so its
 * partition and offset are known: a dead letter names exactly these coordinates.
 */
final class BadInputCorpus {
  /** A record as sent, and for a bad one a fragment its dead letter's reason must contain. */
  record Sent(String kind, String topic, int partition, long offset, String reasonFragment) {
    String coordinates() {
      return coordinatesOf(topic, partition, offset);
    }

    Sent named(String newKind) {
      return new Sent(newKind, topic, partition, offset, reasonFragment);
    }

    Sent withReason(String fragment) {
      return new Sent(kind, topic, partition, offset, fragment);
    }
  }

  static String coordinatesOf(String topic, int partition, long offset) {
    return topic + "/" + partition + "@" + offset;
  }

  /** Bad records, in the order sent. */
  final List<Sent> bad = new ArrayList<>();

  /**
   * Triple records with a value, by triple id: each must end trained, held out, retracted or
   * dead-lettered.
   */
  final Map<String, Sent> triples = new LinkedHashMap<>();

  /**
   * Triple ids whose retraction arrives while they wait for a description: they must be in no
   * batch.
   */
  final Set<String> retracted = new LinkedHashSet<>();

  /** The described head of a good triple, to ask the scorer about. */
  final String queryEntity;

  final String queryRelation;

  private final Topics topics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AvroCodec<Triple> codec;
  private final String round;

  private BadInputCorpus(KafkaConnection connection, Topics topics, String round, Triple first) {
    Map<String, Object> props = connection.clientConfig();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
    this.producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    this.codec = AvroCodec.specific(Triple.class, new SchemaRegistryClient(connection.registry()));
    this.topics = topics;
    this.round = round;
    this.queryEntity = first.getHead();
    this.queryRelation = first.getRelation();
  }

  /**
   * Sends {@code count} training triples of WN18RR from {@code from} on (their descriptions first)
   * and the bad records of this round; ids the round invents carry {@code round}, so rounds never
   * collide.
   */
  static BadInputCorpus send(
      KafkaConnection connection, Topics topics, KgDataset wn, int from, int count, String round)
      throws Exception {
    List<Triple> slice =
        wn.train().subList(from, from + count).stream()
            .map(t -> Triple.newBuilder(t).setSplit(null).build())
            .toList();
    BadInputCorpus corpus = new BadInputCorpus(connection, topics, round, slice.get(0));
    try {
      corpus.sendDescriptions(wn, slice);
      corpus.sendTriplesAndTheirOddities(slice);
      corpus.sendBadTriples(slice.get(1));
      corpus.sendBadDescriptions();
      corpus.sendBadBatches();
      corpus.sendBadQueries();
      corpus.producer.flush();
    } finally {
      corpus.producer.close();
    }
    return corpus;
  }

  private void sendDescriptions(KgDataset wn, List<Triple> slice) throws Exception {
    Map<String, EntityDescription> entities = new LinkedHashMap<>();
    Map<String, RelationDescription> relations = new LinkedHashMap<>();
    for (Triple t : slice) {
      entities.put(t.getHead(), wn.entities().get(t.getHead()));
      entities.put(t.getTail(), wn.entities().get(t.getTail()));
      relations.put(t.getRelation(), wn.relations().get(t.getRelation()));
    }
    for (EntityDescription e : entities.values()) {
      send(topics.entities().name(), null, e.getId(), encode(topics.entities().name(), e), now());
    }
    for (RelationDescription r : relations.values()) {
      send(topics.relations().name(), null, r.getId(), encode(topics.relations().name(), r), now());
    }
  }

  /**
   * The slice's triples, then: one whose head is described only after its retraction (so the
   * retraction finds it waiting), one whose head is never described, and a tombstone stamped a
   * minute before the triple it names.
   */
  private void sendTriplesAndTheirOddities(List<Triple> slice) throws Exception {
    long sentAt = now();
    for (Triple t : slice) {
      sendTriple("training triple", t, sentAt);
    }
    Triple anchor = slice.get(0);
    String late = "corpus-late-" + round;
    Triple retractedTriple = triple(late, anchor.getRelation(), anchor.getTail());
    sendTriple("retracted triple", retractedTriple, now());
    send(topics.triples().name(), null, TripleIds.of(retractedTriple), null, now());
    retracted.add(TripleIds.of(retractedTriple));

    Triple undescribed =
        triple("corpus-undescribed-" + round, anchor.getRelation(), anchor.getTail());
    bad.add(
        sendTriple("a description that never arrives", undescribed, now())
            .withReason("after waiting until event time"));

    Sent stale =
        send(topics.triples().name(), null, TripleIds.of(slice.get(2)), null, sentAt - 60_000);
    bad.add(
        stale
            .named("an out-of-order retraction (stamped before its triple)")
            .withReason("is older than its triple"));

    send(
        topics.entities().name(),
        null,
        late,
        encode(
            topics.entities().name(),
            new EntityDescription(
                late, "late entity", "described only after its triple was retracted")),
        now());
  }

  private void sendBadTriples(Triple valid) throws Exception {
    String t = topics.triples().name();
    sendBad(
        "garbage bytes",
        t,
        "corpus-garbage-" + round,
        utf8("not avro at all"),
        now(),
        "not in the Confluent wire format");
    byte[] unknownId = new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 'x'};
    sendBad(
        "an unknown schema id",
        t,
        "corpus-unknown-id-" + round,
        unknownId,
        now(),
        "unknown writer schema id");
    EntityDescription notATriple =
        new EntityDescription("corpus-wrong-type-" + round, "n", "an entity on kg.triples");
    sendBad(
        "a record of the wrong type",
        t,
        notATriple.getId(),
        encode(topics.entities().name(), notATriple),
        now(),
        "Found io.kalmstream.schemas.EntityDescription, expecting io.kalmstream.schemas.Triple");
    sendBad(
        "missing required fields",
        t,
        "corpus-missing-" + round,
        partialTriple(),
        now(),
        "missing required field");
    Triple emptyHead = triple("", valid.getRelation(), valid.getTail());
    sendBad(
        "an empty id",
        t,
        TripleIds.of(emptyHead),
        encode(t, emptyHead),
        now(),
        "empty head, relation or tail");
    Triple longId = triple("h".repeat(600) + round, valid.getRelation(), valid.getTail());
    sendBad(
        "an oversized id", t, TripleIds.of(longId), encode(t, longId), now(), "id is oversized");
    Triple bell = triple("corpus\u0007bell-" + round, valid.getRelation(), valid.getTail());
    sendBad(
        "a control character in an id",
        t,
        TripleIds.of(bell),
        encode(t, bell),
        now(),
        "control character U+0007");
    sendBad(
        "a key that contradicts its value",
        t,
        "corpus-mismatch-" + round,
        encode(t, valid),
        now(),
        "does not match the triple");
    Triple future =
        Triple.newBuilder(triple("corpus-future-" + round, valid.getRelation(), valid.getTail()))
            .setEventTime(Instant.parse("2100-01-01T00:00:00Z"))
            .build();
    sendBad(
        "an event time far in the future",
        t,
        TripleIds.of(future),
        encode(t, future),
        now(),
        "beyond the allowed skew");
    Triple ancient =
        Triple.newBuilder(triple("corpus-ancient-" + round, valid.getRelation(), valid.getTail()))
            .setEventTime(Instant.parse("2000-01-01T00:00:00Z"))
            .build();
    sendBad(
        "an ancient event time",
        t,
        TripleIds.of(ancient),
        encode(t, ancient),
        now(),
        "beyond the allowed age");
    Triple huge =
        Triple.newBuilder(triple(valid.getHead(), valid.getRelation(), "corpus-huge-" + round))
            .setSource("s".repeat(100_000))
            .build();
    sendBad(
        "an oversized record",
        t,
        TripleIds.of(huge),
        encode(t, huge),
        now(),
        "bytes the job accepts");
    sendBad(
        "a tombstone for a triple never sent",
        t,
        TripleIds.of("corpus-never-" + round, "r", "x"),
        null,
        now(),
        "which this job does not hold");
    sendBad(
        "a tombstone whose key is no triple id",
        t,
        "corpus-not-a-triple-key-" + round,
        null,
        now(),
        "tombstone key is not head<TAB>relation<TAB>tail");
  }

  private void sendBadDescriptions() throws Exception {
    String e = topics.entities().name();
    String id = "corpus-entity-" + round;
    sendBad(
        "an empty description",
        e,
        id + "-empty",
        encode(e, new EntityDescription(id + "-empty", "", "")),
        now(),
        "has an empty name and description");
    sendBad(
        "an oversized description",
        e,
        id + "-long",
        encode(e, new EntityDescription(id + "-long", "long", "x".repeat(10_000))),
        now(),
        "text is oversized");
    sendBad(
        "a control character in a description",
        e,
        id + "-nul",
        encode(e, new EntityDescription(id + "-nul", "nul", "before\u0000after")),
        now(),
        "control character U+0000");
    sendBad(
        "a description under another entity's key",
        e,
        id + "-a",
        encode(e, new EntityDescription(id + "-b", "b", "keyed as a")),
        now(),
        "does not match its id");
    sendBad(
        "garbage bytes on the entity topic",
        e,
        id + "-garbage",
        utf8("{\"id\": \"json, not avro\"}"),
        now(),
        "not in the Confluent wire format");
    String r = topics.relations().name();
    Triple notARelation = triple("corpus-a", "corpus-r", "corpus-b");
    sendBad(
        "a triple on the relation topic",
        r,
        "corpus-relation-" + round,
        encode(topics.triples().name(), notARelation),
        now(),
        "Found io.kalmstream.schemas.Triple, expecting io.kalmstream.schemas.RelationDescription");
  }

  /**
   * On partition 0 of each batch topic, where the test then checks that the trainer read past them.
   */
  private void sendBadBatches() throws Exception {
    String c = topics.contrastiveBatches().name();
    sendBad(
        "garbage bytes on the contrastive batch topic",
        c,
        0,
        "corpus-batch-" + round,
        utf8("not a batch"),
        "not in the Confluent wire format");
    ContrastivePair pair =
        ContrastivePair.newBuilder()
            .setHead("a")
            .setRelation("r")
            .setTail("b")
            .setHeadRelationText("a, r")
            .setTailText("b")
            .build();
    ContrastivePair other = ContrastivePair.newBuilder(pair).setTail("c").setTailText("c").build();
    ContrastiveBatch outside =
        ContrastiveBatch.newBuilder()
            .setBatchId("corpus-mask-" + round)
            .setPairs(List.of(pair, other))
            .setFalseNegatives(List.of(List.of(5), List.of()))
            .setCreatedAt(Instant.now())
            .build();
    sendBad(
        "a batch whose mask points outside it",
        c,
        0,
        outside.getBatchId(),
        encode(c, outside),
        "masks column 5 of row 0, outside the batch of 2");
    sendBad(
        "garbage bytes on the instruction batch topic",
        topics.instructionBatches().name(),
        0,
        "corpus-instructions-" + round,
        new byte[] {0, 0, 0},
        "not in the Confluent wire format");
  }

  /** On partition 0 of the query topic, where the test's own query follows them. */
  private void sendBadQueries() throws Exception {
    String q = topics.queries().name();
    sendBad(
        "garbage bytes on the query topic",
        q,
        0,
        "corpus-query-" + round,
        utf8("what is a dog?"),
        "undecodable query");
    LinkPredictionQuery anonymous =
        LinkPredictionQuery.newBuilder()
            .setQueryId(" ")
            .setEntityId(queryEntity)
            .setRelation(queryRelation)
            .build();
    sendBad(
        "a query without a query id",
        q,
        0,
        "corpus-anonymous-" + round,
        encode(q, anonymous),
        "no queryId");
  }

  private Sent sendTriple(String kind, Triple triple, long timestamp) throws Exception {
    String id = TripleIds.of(triple);
    Sent sent =
        send(topics.triples().name(), null, id, encode(topics.triples().name(), triple), timestamp)
            .named(kind);
    triples.put(id, sent);
    return sent;
  }

  private void sendBad(
      String kind, String topic, String key, byte[] value, long timestamp, String reason)
      throws Exception {
    bad.add(send(topic, null, key, value, timestamp).named(kind).withReason(reason));
  }

  private void sendBad(
      String kind, String topic, int partition, String key, byte[] value, String reason)
      throws Exception {
    bad.add(send(topic, partition, key, value, now()).named(kind).withReason(reason));
  }

  private Sent send(String topic, Integer partition, String key, byte[] value, long timestamp)
      throws Exception {
    RecordMetadata m =
        producer.send(new ProducerRecord<>(topic, partition, timestamp, utf8(key), value)).get();
    return new Sent("", topic, m.partition(), m.offset(), null);
  }

  private byte[] encode(String topic, GenericContainer record) {
    return codec.encode(topic + "-value", record);
  }

  /** A record named like a Triple that carries only its head, under a subject of its own. */
  private byte[] partialTriple() {
    Schema partial =
        SchemaBuilder.record("Triple")
            .namespace("io.kalmstream.schemas")
            .fields()
            .requiredString("head")
            .endRecord();
    GenericRecord record = new GenericData.Record(partial);
    record.put("head", "corpus-partial-" + round);
    return codec.encode("kalm-corpus-partial-triple", record);
  }

  private static Triple triple(String head, String relation, String tail) {
    return Triple.newBuilder().setHead(head).setRelation(relation).setTail(tail).build();
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
