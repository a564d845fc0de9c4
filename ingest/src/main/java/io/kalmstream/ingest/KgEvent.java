package io.kalmstream.ingest;

import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;

/**
 * Everything that flows through the ingest job, as one Flink POJO so that every stage shares one
 * serializer and no Kryo fallback is involved (Kryo fails on unmodifiable collections, STACK.md). A
 * triple picks up its three descriptions as it passes the join stages. The origin fields keep the
 * input's coordinates and bytes so that a rejection at any stage can go to the dead-letter topic
 * whole.
 */
public class KgEvent implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** What an input record means. */
  public enum Kind {
    TRIPLE,
    RETRACTION,
    ENTITY,
    ENTITY_DELETION,
    RELATION,
    RELATION_DELETION,
    UNDECODABLE
  }

  public Kind kind;

  /** The record key as text: triple id, entity id or relation id. */
  public String key;

  /** Event time of the input, epoch milliseconds. */
  public long eventTime;

  /**
   * For a triple: the event time after which it goes to the dead-letter topic if a description is
   * missing.
   */
  public long deadline;

  public String sourceTopic;
  public int sourcePartition = -1;
  public long sourceOffset = -1;
  public byte[] rawKey;
  public byte[] rawValue;

  /** Why the input could not be decoded (kind UNDECODABLE). */
  public String error;

  public Triple triple;

  /** The description carried by an ENTITY event. */
  public EntityDescription entity;

  /** The description carried by a RELATION event, or the relation joined to a triple. */
  public RelationDescription relation;

  public EntityDescription head;
  public EntityDescription tail;

  /**
   * After {@link PairDirections}: whether this event stands for the triple's inverse pair (t,
   * inverse r, h) rather than its forward pair.
   */
  public boolean inverse;

  public KgEvent() {}

  /** A copy that shares the immutable-by-convention Avro records and byte arrays. */
  public KgEvent copy() {
    KgEvent c = new KgEvent();
    c.kind = kind;
    c.key = key;
    c.eventTime = eventTime;
    c.deadline = deadline;
    c.sourceTopic = sourceTopic;
    c.sourcePartition = sourcePartition;
    c.sourceOffset = sourceOffset;
    c.rawKey = rawKey;
    c.rawValue = rawValue;
    c.error = error;
    c.triple = triple;
    c.entity = entity;
    c.relation = relation;
    c.head = head;
    c.tail = tail;
    c.inverse = inverse;
    return c;
  }

  public boolean isDescription() {
    return kind == Kind.ENTITY
        || kind == Kind.ENTITY_DELETION
        || kind == Kind.RELATION
        || kind == Kind.RELATION_DELETION;
  }

  @Override
  public String toString() {
    return kind
        + " "
        + key
        + " @"
        + eventTime
        + " ("
        + sourceTopic
        + "/"
        + sourcePartition
        + "@"
        + sourceOffset
        + ")";
  }
}
