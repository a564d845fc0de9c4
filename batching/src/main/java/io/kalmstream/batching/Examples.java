package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.InstructionExample;
import io.kalmstream.schemas.RelationDescription;
import java.util.List;

/** Turns a triple with its three descriptions into training examples of both objectives. */
public final class Examples {
  /** The task statement of the implicit-alignment objective (DESIGN.md). */
  public static final String INSTRUCTION =
      "Given the head entity and relation, write a tail entity that completes the triple";

  private final TextViews views;

  public Examples(TextViews views) {
    this.views = views;
  }

  /** The forward pair (h, r, t) and the inverse pair (t, inverse r, h), in that order. */
  public List<ContrastivePair> pairs(
      EntityDescription head, RelationDescription relation, EntityDescription tail) {
    return List.of(pair(head, relation, tail, false), pair(head, relation, tail, true));
  }

  /** One of the triple's two pairs: forward (h, r, t) or inverse (t, inverse r, h). */
  public ContrastivePair pair(
      EntityDescription head,
      RelationDescription relation,
      EntityDescription tail,
      boolean inverse) {
    return inverse ? build(tail, relation, head, true) : build(head, relation, tail, false);
  }

  private ContrastivePair build(
      EntityDescription head,
      RelationDescription relation,
      EntityDescription tail,
      boolean inverse) {
    String relationId = inverse ? TextViews.inverseRelationId(relation.getId()) : relation.getId();
    String headText = TextViews.entityText(head);
    String relationText = TextViews.relationText(relation, inverse);
    String tailText = TextViews.entityText(tail);
    return ContrastivePair.newBuilder()
        .setHead(head.getId())
        .setRelation(relationId)
        .setTail(tail.getId())
        .setHeadRelationText(views.headRelation(headText, relationText))
        .setTailText(views.tail(tailText))
        .setHeadDescription(views.part(headText))
        .setRelationDescription(views.part(relationText))
        .setTailDescription(views.part(tailText))
        .setInverse(inverse)
        .setReplayed(false)
        .build();
  }

  /** The Alpaca example of a pair: input D_hr, response D_t. */
  public static InstructionExample instruction(ContrastivePair pair) {
    return InstructionExample.newBuilder()
        .setInstruction(INSTRUCTION)
        .setInput(pair.getHeadRelationText())
        .setResponse(pair.getTailText())
        .setHead(pair.getHead())
        .setRelation(pair.getRelation())
        .setTail(pair.getTail())
        .build();
  }

  /** The id of the original (forward) triple a pair was made from. */
  public static String sourceTripleId(ContrastivePair pair) {
    String relation = TextViews.forwardRelationId(pair.getRelation());
    return pair.getInverse()
        ? TripleIds.of(pair.getTail(), relation, pair.getHead())
        : TripleIds.of(pair.getHead(), relation, pair.getTail());
  }
}
