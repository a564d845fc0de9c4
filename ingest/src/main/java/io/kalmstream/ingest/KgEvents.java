package io.kalmstream.ingest;

import io.kalmstream.batching.TripleIds;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.nio.charset.StandardCharsets;

/** Builds the job's input events from what a record of each input topic holds. */
public final class KgEvents {
  /** Which input topic a record came from. */
  public enum Input {
    TRIPLES,
    ENTITIES,
    RELATIONS
  }

  private KgEvents() {}

  /**
   * The event for one decoded record; {@code value} null is a tombstone. A record without a key
   * takes the id its value names. Event time is the triple's own eventTime when it has one, else
   * the record timestamp.
   */
  public static KgEvent of(
      Input input,
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] rawKey,
      byte[] rawValue,
      Object value) {
    KgEvent e = origin(topic, partition, offset, timestamp, rawKey, rawValue);
    switch (input) {
      case TRIPLES -> {
        if (value == null) {
          e.kind = KgEvent.Kind.RETRACTION;
          e.triple = tripleOfKey(e.key);
        } else {
          Triple triple = (Triple) value;
          e.kind = KgEvent.Kind.TRIPLE;
          e.triple = triple;
          e.key = e.key == null ? TripleIds.of(triple) : e.key;
          if (triple.getEventTime() != null) {
            e.eventTime = triple.getEventTime().toEpochMilli();
          }
        }
      }
      case ENTITIES -> {
        e.kind = value == null ? KgEvent.Kind.ENTITY_DELETION : KgEvent.Kind.ENTITY;
        e.entity = (EntityDescription) value;
        e.key = e.key == null && value != null ? e.entity.getId() : e.key;
      }
      case RELATIONS -> {
        e.kind = value == null ? KgEvent.Kind.RELATION_DELETION : KgEvent.Kind.RELATION;
        e.relation = (RelationDescription) value;
        e.key = e.key == null && value != null ? e.relation.getId() : e.key;
      }
      default -> throw new IllegalArgumentException("unknown input " + input);
    }
    return e;
  }

  /**
   * A record whose bytes could not be decoded; it goes to the dead-letter topic with {@code
   * reason}.
   */
  public static KgEvent undecodable(
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] rawKey,
      byte[] rawValue,
      String reason) {
    KgEvent e = origin(topic, partition, offset, timestamp, rawKey, rawValue);
    e.kind = KgEvent.Kind.UNDECODABLE;
    e.error = reason;
    return e;
  }

  private static KgEvent origin(
      String topic, int partition, long offset, long timestamp, byte[] rawKey, byte[] rawValue) {
    KgEvent e = new KgEvent();
    e.sourceTopic = topic;
    e.sourcePartition = partition;
    e.sourceOffset = offset;
    e.eventTime = timestamp;
    e.rawKey = rawKey;
    e.rawValue = rawValue;
    e.key = rawKey == null ? null : new String(rawKey, StandardCharsets.UTF_8);
    return e;
  }

  /**
   * The triple a tombstone's key names, or null when the key is not a triple id (the event is then
   * rejected).
   */
  private static Triple tripleOfKey(String key) {
    if (key == null) {
      return null;
    }
    try {
      String[] parts = TripleIds.parts(key);
      return Triple.newBuilder().setHead(parts[0]).setRelation(parts[1]).setTail(parts[2]).build();
    } catch (IllegalArgumentException notATripleId) {
      return null;
    }
  }
}
