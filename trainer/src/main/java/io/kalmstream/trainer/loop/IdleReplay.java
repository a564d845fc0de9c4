package io.kalmstream.trainer.loop;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The batches of the last {@code capacity} steps, a ring, drawn from at random while the stream is
 * idle.
 */
final class IdleReplay {

  /** One step's batches; the contrastive one may be null (an instruction-only step). */
  record Step(ContrastiveBatch contrastive, List<InstructionBatch> instructions) {}

  private final int capacity;
  private final List<Step> ring;
  private final Random random;
  private int next;

  IdleReplay(int capacity, long seed) {
    this.capacity = capacity;
    this.ring = new ArrayList<>(Math.min(capacity, 1024));
    this.random = new Random(seed);
  }

  void remember(ContrastiveBatch contrastive, List<InstructionBatch> instructions) {
    if (capacity == 0) {
      return;
    }
    Step step = new Step(contrastive, List.copyOf(instructions));
    if (ring.size() < capacity) {
      ring.add(step);
    } else {
      ring.set(next, step);
      next = (next + 1) % capacity;
    }
  }

  Optional<Step> draw() {
    return ring.isEmpty() ? Optional.empty() : Optional.of(ring.get(random.nextInt(ring.size())));
  }
}
