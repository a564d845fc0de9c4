package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kalmstream.model.eval.Anisotropy;
import io.kalmstream.model.eval.EmbeddingMatrix;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntityIndexTest {
  private final HashingEmbedder embedder = new HashingEmbedder(0, 0, false);
  private final EntityIndex index = new EntityIndex(new ModelHandle(0, embedder), 1);

  private void put(String id, String view) {
    index.upsert(List.of(id), List.of(view), embedder.embed(List.of(view)));
  }

  @Test
  void publishedSnapshotsNeverChangeUnderAppendsUpdatesAndRemovals() {
    put("a", "{alpha}");
    put("b", "{beta}");
    EntityIndex.Snapshot first = index.snapshot();
    float[] beta = first.matrix().row(first.row("b"));

    for (int i = 0; i < 40; i++) { // grows past the initial capacity
      put("n" + i, "{new " + i + "}");
    }
    put("b", "{beta changed}");
    index.remove("a");
    EntityIndex.Snapshot second = index.snapshot();

    assertEquals(2, first.size());
    assertEquals(2, first.matrix().rows());
    assertEquals(0, first.row("a"));
    assertEquals(-1, first.row("n0"), "rows appended later are invisible to an older snapshot");
    assertArrayEquals(beta, first.matrix().row(first.row("b")));
    assertEquals("{beta}", first.views()[first.row("b")]);

    assertEquals(41, second.size());
    assertEquals(-1, second.row("a"));
    assertEquals("{beta changed}", index.viewOf("b"));
    assertArrayEquals(
        embedder.embed(List.of("{beta changed}"))[0], second.matrix().row(second.row("b")));
  }

  @Test
  void incrementalAnisotropyEqualsTheFormulaOverTheLiveRows() {
    for (int i = 0; i < 10; i++) {
      put("e" + i, "{shared word " + i + "}");
    }
    put("e3", "{something else}");
    index.remove("e5");
    EntityIndex.Snapshot s = index.snapshot();
    float[][] live = new float[9][];
    int n = 0;
    for (int i = 0; i < 10; i++) {
      if (s.row("e" + i) >= 0) {
        live[n++] = s.matrix().row(s.row("e" + i));
      }
    }
    assertEquals(Anisotropy.of(EmbeddingMatrix.of(live)), s.anisotropy(), 1e-6);
  }
}
