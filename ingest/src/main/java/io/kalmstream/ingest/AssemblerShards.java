package io.kalmstream.ingest;

import io.kalmstream.batching.StableHash;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Routes each of a triple's two pairs to a batch-assembly shard by the pair's own question: (h, r)
 * for the forward pair, (t, inverse r) for the inverse one. Row i of the false-negative mask needs
 * exactly the known answers of row i's question, and each fact files its answers under the same two
 * questions it makes pairs for, so every answer a shard's mask asks for is held by that shard: the
 * mask stays exact for any number of shards. Each shard keeps its own waiting pairs, batch sequence
 * and replay reservoir (a sample of its share of the stream).
 *
 * <p>A shard is one key. The keys are chosen so that shard s lands on subtask s mod p of the
 * assembler; Flink's hash of arbitrary keys would put two shards of two on one subtask half the
 * time and leave the other idle.
 */
final class AssemblerShards implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String[] keys;
  private final Map<String, Integer> indexOfKey = new HashMap<>();

  /**
   * @param shards how many; 0 means one per parallel subtask of the assembler
   * @param parallelism the assembler's parallelism
   * @param maxParallelism its maximum parallelism (key groups), or -1 for Flink's default
   */
  AssemblerShards(int shards, int parallelism, int maxParallelism) {
    if (shards < 0 || parallelism < 1) {
      throw new IllegalArgumentException(
          "need shards >= 0 and parallelism >= 1, got " + shards + " and " + parallelism);
    }
    int count = shards == 0 ? parallelism : shards;
    int keyGroups =
        maxParallelism > 0
            ? maxParallelism
            : KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
    keys = new String[count];
    for (int shard = 0; shard < count; shard++) {
      keys[shard] = keyOnSubtask(shard, shard % parallelism, keyGroups, parallelism);
      indexOfKey.put(keys[shard], shard);
    }
  }

  int count() {
    return keys.length;
  }

  /** The shard key of a pair event (see {@link PairDirections}). */
  String keyOf(KgEvent pairEvent) {
    long hash = StableHash.of(PairDirections.question(pairEvent));
    return keys[(int) Math.floorMod(hash, (long) keys.length)];
  }

  int indexOf(String key) {
    Integer shard = indexOfKey.get(key);
    if (shard == null) {
      throw new IllegalArgumentException("not a shard key: " + key);
    }
    return shard;
  }

  /** "shard-s", or "shard-s.k" for the first k that Flink assigns to the wanted subtask. */
  private static String keyOnSubtask(int shard, int subtask, int keyGroups, int parallelism) {
    String key = "shard-" + shard;
    for (int k = 1;
        KeyGroupRangeAssignment.assignKeyToParallelOperator(key, keyGroups, parallelism) != subtask;
        k++) {
      key = "shard-" + shard + "." + k;
    }
    return key;
  }
}
