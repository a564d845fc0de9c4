package io.kalmstream.batching;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.RelationDescription;
import io.kalmstream.schemas.Triple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Epochs of batches over the training split of a file dataset, for {@code kalm train --dataset}:
 * the same pairs, packing and false-negative mask as the stream, in a shuffled order fixed by
 * (seed, epoch).
 */
public final class DatasetBatches {
  private final List<ContrastivePair> trainPairs;
  private final InMemoryKnownFacts trainFacts = new InMemoryKnownFacts();
  private final List<String> skipped = new ArrayList<>();

  public DatasetBatches(KgDataset dataset, Examples examples) {
    List<ContrastivePair> pairs = new ArrayList<>(2 * dataset.train().size());
    for (Triple triple : dataset.train()) {
      EntityDescription head = dataset.entities().get(triple.getHead());
      RelationDescription relation = dataset.relations().get(triple.getRelation());
      EntityDescription tail = dataset.entities().get(triple.getTail());
      if (head == null || relation == null || tail == null) {
        skipped.add(TripleIds.of(triple));
        continue;
      }
      if (trainFacts.add(triple)) {
        pairs.addAll(examples.pairs(head, relation, tail));
      }
    }
    this.trainPairs = Collections.unmodifiableList(pairs);
  }

  /** Forward and inverse pairs of every distinct training triple whose three descriptions exist. */
  public List<ContrastivePair> trainPairs() {
    return trainPairs;
  }

  /** The facts the false-negative mask is computed from: the training split. */
  public KnownFacts trainFacts() {
    return trainFacts;
  }

  /** Ids of training triples left out because a description is missing from the dataset. */
  public List<String> skippedTriples() {
    return Collections.unmodifiableList(skipped);
  }

  /**
   * Contrastive batches of {@code n} pairs with distinct tails; the last one of the epoch may be
   * smaller.
   */
  public Iterator<ContrastiveBatch> contrastiveEpoch(int epoch, int n, long seed) {
    Iterator<ContrastivePair> source = shuffled(epoch, seed).iterator();
    DistinctTailPacker packer = new DistinctTailPacker();
    return batches(
        epoch,
        "c",
        () -> {
          while (source.hasNext() && !packer.canFill(n)) {
            packer.add(source.next());
          }
          return packer.isEmpty() ? null : packer.take(n);
        },
        (id, pairs) -> ContrastiveBatches.assemble(id, pairs, trainFacts, Instant.EPOCH));
  }

  /** Instruction batches of {@code m} examples; the last one of the epoch may be smaller. */
  public Iterator<InstructionBatch> instructionEpoch(int epoch, int m, long seed) {
    Iterator<ContrastivePair> source = shuffled(epoch, ~seed).iterator();
    return batches(
        epoch,
        "i",
        () -> {
          List<ContrastivePair> chunk = new ArrayList<>(m);
          while (source.hasNext() && chunk.size() < m) {
            chunk.add(source.next());
          }
          return chunk.isEmpty() ? null : chunk;
        },
        (id, pairs) -> InstructionBatches.fromPairs(id, pairs, Instant.EPOCH));
  }

  private List<ContrastivePair> shuffled(int epoch, long seed) {
    List<ContrastivePair> order = new ArrayList<>(trainPairs);
    Collections.shuffle(order, new Random(StableHash.mix(seed) ^ epoch));
    return order;
  }

  private interface Assembler<B> {
    B assemble(String batchId, List<ContrastivePair> pairs);
  }

  private static <B> Iterator<B> batches(
      int epoch, String kind, Supplier<List<ContrastivePair>> nextChunk, Assembler<B> assembler) {
    return new Iterator<>() {
      private List<ContrastivePair> next = nextChunk.get();
      private int index;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public B next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        B batch = assembler.assemble("file-e" + epoch + "-" + kind + index++, next);
        next = nextChunk.get();
        return batch;
      }
    };
  }
}
