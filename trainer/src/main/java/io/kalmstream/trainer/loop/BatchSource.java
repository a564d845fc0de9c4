package io.kalmstream.trainer.loop;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.trainer.checkpoint.SourcePosition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the training loop takes its batches from: the Kafka topics, or a dataset on disk. Batches
 * come out in source order; {@link #positions()} tells how far that is, and {@link #seek} goes back
 * there after a restart.
 */
public interface BatchSource extends AutoCloseable {

  /** The next contrastive batch, waiting at most {@code wait}; empty when none arrived in time. */
  Optional<Sourced<ContrastiveBatch>> nextContrastive(Duration wait);

  /** The next instruction batch, waiting at most {@code wait}; empty when none arrived in time. */
  Optional<Sourced<InstructionBatch>> nextInstruction(Duration wait);

  /** How far the batches handed out so far reach, per source and partition. */
  List<SourcePosition> positions();

  /**
   * Continues after {@code positions} (from a checkpoint); sources and partitions missing from it
   * start where the source's own bookkeeping says (committed offsets) or at the beginning.
   */
  void seek(List<SourcePosition> positions);

  /**
   * Called once a checkpoint holding {@code positions} is durable (Kafka commits the consumer
   * offsets).
   */
  void checkpointed(List<SourcePosition> positions);

  /**
   * A batch handed out that its training step refused: it goes where the source keeps bad input
   * (the dead-letter topic), with the reason, and its position counts as consumed.
   */
  void deadLetter(Sourced<?> batch, String reason);

  /** Records available but not yet handed out, when the source can tell. */
  OptionalLong lag();

  @Override
  void close();
}
