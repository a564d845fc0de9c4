package io.kalmstream.batching;

/**
 * Sizes of the two kinds of batches and how the replay buffer fills them.
 *
 * @param contrastiveSize N, the pairs of a contrastive batch (paper: 24 for WN18RR)
 * @param instructionSize M, the examples of an instruction batch (paper: 4)
 * @param replayShare share of each batch's slots reserved for pairs replayed from the reservoir;
 *     the other slots take live pairs. A batch that closes on its timeout also fills its unused
 *     live slots from the reservoir, so a slow stream still trains on full batches.
 * @param replayCapacity size of the reservoir
 */
public record BatchPolicy(
    int contrastiveSize, int instructionSize, double replayShare, int replayCapacity)
    implements java.io.Serializable {
  public BatchPolicy {
    if (contrastiveSize < 1 || instructionSize < 1) {
      throw new IllegalArgumentException(
          "batch sizes must be >= 1, got N=" + contrastiveSize + " M=" + instructionSize);
    }
    if (!(replayShare >= 0 && replayShare < 1)) {
      throw new IllegalArgumentException("replay share must be in [0, 1), got " + replayShare);
    }
    if (replayCapacity < 0) {
      throw new IllegalArgumentException("replay capacity must be >= 0, got " + replayCapacity);
    }
  }

  public static BatchPolicy paperDefaults() {
    return new BatchPolicy(24, 4, 0.25, 10_000);
  }

  /** Live slots of a batch of {@code size}: at least one, so the stream always makes progress. */
  public static int liveSlots(int size, double replayShare) {
    return Math.max(1, size - (int) Math.floor(replayShare * size));
  }

  public int contrastiveLiveSlots() {
    return liveSlots(contrastiveSize, replayShare);
  }

  public int instructionLiveSlots() {
    return liveSlots(instructionSize, replayShare);
  }
}
