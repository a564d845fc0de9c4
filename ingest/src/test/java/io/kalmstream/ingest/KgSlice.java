package io.kalmstream.ingest;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A small slice of WN18RR as input records in an awkward order: all triples first (shuffled), then
 * the descriptions, with a duplicate, a retraction that comes before the descriptions, triples
 * about an entity that is never described, and an entity whose text is oversized. Records carry
 * explicit, increasing timestamps.
 */
final class KgSlice {
  /** One input record: a null value is a tombstone. */
  record Input(KgEvents.Input topic, String key, Object value, long timestamp) {}

  static final String UNDESCRIBED = "99999999";
  static final String OVERSIZED = "88888888";

  /**
   * Event times start two hours back: recent enough that the broker's 7-day retention does not
   * delete the outputs (their record timestamps are event times), and the closing records an hour
   * later are not in the future.
   */
  static final long START = System.currentTimeMillis() - 7_200_000L;

  final List<Input> records = new ArrayList<>();
  final Set<String> tripleIds = new LinkedHashSet<>();
  final Set<String> retracted = new LinkedHashSet<>();
  final Set<String> expectedDeadLetters = new LinkedHashSet<>();

  static KgSlice wn18rr(int tripleCount, long seed) {
    String shared = System.getProperty("kalm.shared.dir");
    KgDataset wn = KgDatasetReader.read(Path.of(shared, "datasets", "wn18rr"));
    return new KgSlice(wn, tripleCount, seed);
  }

  private KgSlice(KgDataset wn, int tripleCount, long seed) {
    Random random = new Random(seed);
    List<Triple> triples = new ArrayList<>();
    for (Triple t : wn.train().subList(0, tripleCount)) {
      triples.add(Triple.newBuilder(t).setSplit(null).build());
    }
    Triple first = triples.get(0);
    triples.add(
        Triple.newBuilder()
            .setHead(UNDESCRIBED)
            .setRelation(first.getRelation())
            .setTail(first.getTail())
            .build());
    triples.add(
        Triple.newBuilder()
            .setHead(first.getHead())
            .setRelation(first.getRelation())
            .setTail(OVERSIZED)
            .build());
    Collections.shuffle(triples, random);

    long time = START;
    for (Triple t : triples) {
      String id = TripleIds.of(t);
      tripleIds.add(id);
      records.add(new Input(KgEvents.Input.TRIPLES, id, t, time += 10));
    }
    // the same fact again, and a retraction that reaches the job before the descriptions do
    records.add(
        new Input(
            KgEvents.Input.TRIPLES, TripleIds.of(triples.get(3)), triples.get(3), time += 10));
    String gone = TripleIds.of(triples.get(5));
    records.add(new Input(KgEvents.Input.TRIPLES, gone, null, time += 10));
    retracted.add(gone);

    Map<String, EntityDescription> entities = new LinkedHashMap<>();
    Map<String, RelationDescription> relations = new LinkedHashMap<>();
    for (Triple t : triples) {
      for (String id : List.of(t.getHead(), t.getTail())) {
        if (wn.entities().containsKey(id)) {
          entities.put(id, wn.entities().get(id));
        }
      }
      relations.put(t.getRelation(), wn.relations().get(t.getRelation()));
      if (t.getHead().equals(UNDESCRIBED) || t.getTail().equals(OVERSIZED)) {
        expectedDeadLetters.add(TripleIds.of(t));
      }
    }
    entities.put(OVERSIZED, new EntityDescription(OVERSIZED, "huge", "x".repeat(10_000)));
    List<Object> descriptions = new ArrayList<>(entities.values());
    descriptions.addAll(relations.values());
    Collections.shuffle(descriptions, random);
    for (Object d : descriptions) {
      if (d instanceof EntityDescription e) {
        records.add(new Input(KgEvents.Input.ENTITIES, e.getId(), e, time += 10));
      } else {
        RelationDescription r = (RelationDescription) d;
        records.add(new Input(KgEvents.Input.RELATIONS, r.getId(), r, time += 10));
      }
    }
  }

  /**
   * Records far in the event-time future on every input partition, which carry the watermark past
   * every wait and timeout, so an unbounded run flushes what a bounded one flushes at its end. They
   * add nothing to the outputs: descriptions of an entity and a relation no triple names, and
   * tombstones of triples never sent.
   */
  KgSlice withClosingRecords(int triplePartitions, int entityPartitions) {
    long time = lastTimestamp() + 3_600_000L;
    for (int p = 0; p < triplePartitions; p++) {
      String key =
          keyFor(p, triplePartitions, i -> TripleIds.of("closing-" + i, "closing", "closing"));
      records.add(new Input(KgEvents.Input.TRIPLES, key, null, time));
    }
    for (int p = 0; p < entityPartitions; p++) {
      String key = keyFor(p, entityPartitions, i -> "closing-entity-" + i);
      records.add(
          new Input(KgEvents.Input.ENTITIES, key, new EntityDescription(key, "closing", ""), time));
    }
    records.add(
        new Input(
            KgEvents.Input.RELATIONS,
            "closing-relation",
            new RelationDescription("closing-relation", "closing", ""),
            time));
    return this;
  }

  /** A key that Kafka's default partitioner sends to {@code partition}. */
  private static String keyFor(
      int partition, int partitions, java.util.function.IntFunction<String> key) {
    for (int i = 0; ; i++) {
      String candidate = key.apply(i);
      byte[] bytes = candidate.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (org.apache.kafka.common.utils.Utils.toPositive(
                  org.apache.kafka.common.utils.Utils.murmur2(bytes))
              % partitions
          == partition) {
        return candidate;
      }
    }
  }

  long lastTimestamp() {
    return records.get(records.size() - 1).timestamp();
  }

  /** The records as the job's input events, as if each came from partition 0 of its topic. */
  List<KgEvent> events() {
    List<KgEvent> events = new ArrayList<>();
    long offset = 0;
    for (Input in : records) {
      events.add(
          KgEvents.of(
              in.topic(),
              in.topic().name().toLowerCase(Locale.ROOT),
              0,
              offset++,
              in.timestamp(),
              in.key().getBytes(java.nio.charset.StandardCharsets.UTF_8),
              null,
              in.value()));
    }
    return events;
  }
}
