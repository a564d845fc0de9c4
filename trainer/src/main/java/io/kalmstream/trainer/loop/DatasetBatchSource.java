package io.kalmstream.trainer.loop;

import io.kalmstream.batching.DatasetBatches;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/**
 * Batches from a dataset on disk, built by the same batching code as the Flink job, epoch after
 * epoch for as long as the loop asks. The position of each stream is the number of batches handed
 * out; every epoch's order is fixed by the seed, so seeking to a count replays the exact same
 * sequence.
 */
public final class DatasetBatchSource implements BatchSource {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(DatasetBatchSource.class);

  public static final String CONTRASTIVE = "dataset.contrastive";
  public static final String INSTRUCTION = "dataset.instruction";

  private final Stream<ContrastiveBatch> contrastive;
  private final Stream<InstructionBatch> instruction;

  public DatasetBatchSource(
      DatasetBatches dataset, int contrastiveSize, int instructionSize, long seed) {
    this.contrastive =
        new Stream<>(CONTRASTIVE, epoch -> dataset.contrastiveEpoch(epoch, contrastiveSize, seed));
    this.instruction =
        new Stream<>(INSTRUCTION, epoch -> dataset.instructionEpoch(epoch, instructionSize, seed));
  }

  @Override
  public Optional<Sourced<ContrastiveBatch>> nextContrastive(Duration wait) {
    return contrastive.next();
  }

  @Override
  public Optional<Sourced<InstructionBatch>> nextInstruction(Duration wait) {
    return instruction.next();
  }

  @Override
  public List<SourcePosition> positions() {
    return List.of(
        new SourcePosition(CONTRASTIVE, 0, contrastive.handedOut),
        new SourcePosition(INSTRUCTION, 0, instruction.handedOut));
  }

  @Override
  public void seek(List<SourcePosition> positions) {
    contrastive.rewind();
    instruction.rewind();
    for (SourcePosition position : positions) {
      switch (position.source()) {
        case CONTRASTIVE -> contrastive.skip(position.next());
        case INSTRUCTION -> instruction.skip(position.next());
        default ->
            throw new IllegalArgumentException(
                "checkpoint position " + position + " is not from a dataset run");
      }
    }
  }

  @Override
  public void checkpointed(List<SourcePosition> positions) {}

  /** Files have no dead-letter topic: the refusal is logged and the batch skipped. */
  @Override
  public void deadLetter(Sourced<?> batch, String reason) {
    LOG.warn("batch {} skipped: {}", batch, reason);
  }

  @Override
  public OptionalLong lag() {
    return OptionalLong.empty();
  }

  @Override
  public void close() {}

  /** One kind of batch over consecutive epochs; an epoch that yields nothing ends the stream. */
  private static final class Stream<T> {
    private final String name;
    private final IntFunction<Iterator<T>> epochs;
    private int epoch;
    private Iterator<T> current;
    private long handedOut;

    Stream(String name, IntFunction<Iterator<T>> epochs) {
      this.name = name;
      this.epochs = epochs;
      rewind();
    }

    void rewind() {
      epoch = 0;
      current = epochs.apply(0);
      handedOut = 0;
    }

    Optional<Sourced<T>> next() {
      if (!current.hasNext()) {
        current = epochs.apply(++epoch);
        if (!current.hasNext()) {
          return Optional.empty();
        }
      }
      long offset = handedOut++;
      return Optional.of(new Sourced<>(current.next(), name, 0, offset));
    }

    void skip(long count) {
      while (handedOut < count) {
        if (next().isEmpty()) {
          throw new IllegalStateException(name + " has fewer than " + count + " batches to skip");
        }
      }
    }
  }
}
