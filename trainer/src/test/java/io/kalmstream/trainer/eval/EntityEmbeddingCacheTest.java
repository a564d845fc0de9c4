package io.kalmstream.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.model.eval.EmbeddingMatrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntityEmbeddingCacheTest {

  @TempDir Path tmp;

  @Test
  void storedEmbeddingsComeBackBitForBit() {
    EntityEmbeddingCache cache = new EntityEmbeddingCache(tmp.resolve("cache"));
    float[][] rows = {{0.6f, -0.8f}, {Float.MIN_VALUE, 1}, {-0f, 0.1f}};
    assertTrue(cache.load("k").isEmpty());
    cache.store("k", rows);
    EmbeddingMatrix back = cache.load("k").orElseThrow();
    assertEquals(3, back.rows());
    assertEquals(2, back.dim());
    for (int i = 0; i < rows.length; i++) {
      assertArrayEquals(rows[i], back.row(i));
    }
  }

  @Test
  void aTruncatedOrForeignFileIsAMissNotAnError() throws Exception {
    EntityEmbeddingCache cache = new EntityEmbeddingCache(tmp);
    cache.store("k", new float[][] {{1, 0}, {0, 1}});
    Path file = tmp.resolve("k.emb");
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 4));
    assertTrue(cache.load("k").isEmpty());
    Files.writeString(file, "not a cache");
    assertTrue(cache.load("k").isEmpty());
  }

  @Test
  void theKeyFollowsModelAdapterTextsAndVariant() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.writeString(model.resolve("config.json"), "{\"hidden_size\": 2}");
    Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3});
    Path adapter = Files.createDirectories(tmp.resolve("adapter"));
    Files.writeString(adapter.resolve("adapter_config.json"), "{\"r\": 8}");
    Files.write(adapter.resolve("adapter_model.safetensors"), new byte[] {4, 5});
    List<String> texts = List.of("{alpha}", "{bravo}");

    String base = EntityEmbeddingCache.key(model, null, texts, "v");
    assertEquals(base, EntityEmbeddingCache.key(model, null, List.of("{alpha}", "{bravo}"), "v"));
    String withAdapter = EntityEmbeddingCache.key(model, adapter, texts, "v");
    assertNotEquals(base, withAdapter);
    assertNotEquals(
        base, EntityEmbeddingCache.key(model, null, List.of("{alpha}", "{charlie}"), "v"));
    assertNotEquals(base, EntityEmbeddingCache.key(model, null, texts, "w"));

    // optimizer state beside the adapter does not change its vectors, new weights do
    Files.writeString(adapter.resolve("trainer_state"), "step 7");
    assertEquals(withAdapter, EntityEmbeddingCache.key(model, adapter, texts, "v"));
    Files.write(adapter.resolve("adapter_model.safetensors"), new byte[] {4, 6});
    assertNotEquals(withAdapter, EntityEmbeddingCache.key(model, adapter, texts, "v"));
    Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 4});
    assertNotEquals(base, EntityEmbeddingCache.key(model, null, texts, "v"));
  }
}
