package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kalmstream.schemas.Triple;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class AssemblerShardsTest {

  @Test
  void shardSRunsOnSubtaskSModP() {
    for (int parallelism : new int[] {1, 2, 3, 8}) {
      for (int count : new int[] {parallelism, 2 * parallelism + 1}) {
        AssemblerShards shards = new AssemblerShards(count, parallelism, -1);
        int keyGroups = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
        for (int s = 0; s < count; s++) {
          String key = keyOfShard(shards, s);
          assertEquals(
              s % parallelism,
              KeyGroupRangeAssignment.assignKeyToParallelOperator(key, keyGroups, parallelism),
              "shard " + s + " of " + count + " at parallelism " + parallelism);
        }
      }
    }
    assertEquals(3, new AssemblerShards(0, 3, -1).count(), "0: one per subtask");
  }

  @Test
  void eachPairGoesToTheShardOfItsOwnQuestion() {
    AssemblerShards shards = new AssemblerShards(4, 2, 128);
    Set<String> forwardKeys = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      // the same question (h, r) from different triples: one shard for all of them
      forwardKeys.add(shards.keyOf(pairEvent("h", "r", "t" + i, false)));
    }
    assertEquals(1, forwardKeys.size());
    // the inverse pair of (x, r, t) asks (t, inverse r): the same shard for every head x
    Set<String> inverseKeys = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      inverseKeys.add(shards.keyOf(pairEvent("x" + i, "r", "t", true)));
    }
    assertEquals(1, inverseKeys.size());
    Set<String> spread = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      spread.add(shards.keyOf(pairEvent("h" + i, "r", "t", false)));
    }
    assertEquals(4, spread.size(), "different questions spread over the shards");
  }

  @Test
  void refusesANegativeCount() {
    assertThrows(IllegalArgumentException.class, () -> new AssemblerShards(-1, 2, -1));
  }

  private static String keyOfShard(AssemblerShards shards, int shard) {
    for (int i = 0; ; i++) {
      String key = shards.keyOf(pairEvent("h" + i, "r", "t", false));
      if (shards.indexOf(key) == shard) {
        return key;
      }
    }
  }

  private static KgEvent pairEvent(String head, String relation, String tail, boolean inverse) {
    KgEvent e = new KgEvent();
    e.kind = KgEvent.Kind.TRIPLE;
    e.triple = Triple.newBuilder().setHead(head).setRelation(relation).setTail(tail).build();
    e.inverse = inverse;
    return e;
  }
}
