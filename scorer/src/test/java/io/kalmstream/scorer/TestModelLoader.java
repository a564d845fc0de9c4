package io.kalmstream.scorer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kalmstream.checkpoints.Sha256;
import io.kalmstream.model.TextEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Loads {@link HashingEmbedder}s: the base has salt 0; a test checkpoint's adapter_config.json
 * gives the salt, collapse and whole-text switch of its version. An optional gate holds adapter
 * loading back, so a test can query while a re-index is in progress.
 */
final class TestModelLoader implements ModelLoader {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<HashingEmbedder> loaded = new CopyOnWriteArrayList<>();
  volatile CountDownLatch gate;
  private final double baseCollapse;

  TestModelLoader() {
    this(0);
  }

  /**
   * A base model whose embeddings lean towards one direction by {@code baseCollapse}, as an
   * untrained LM's do.
   */
  TestModelLoader(double baseCollapse) {
    this.baseCollapse = baseCollapse;
  }

  @Override
  public TextEmbedder loadBase() {
    HashingEmbedder e = new HashingEmbedder(0, baseCollapse, false);
    loaded.add(e);
    return e;
  }

  @Override
  public TextEmbedder loadWithAdapter(Path adapterDir) {
    try {
      CountDownLatch g = gate;
      if (g != null && !g.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("test gate never opened");
      }
      JsonNode config = JSON.readTree(adapterDir.resolve("adapter_config.json").toFile());
      HashingEmbedder e =
          new HashingEmbedder(
              config.path("salt").asLong(),
              config.path("collapse").asDouble(),
              config.path("wholeText").asBoolean());
      loaded.add(e);
      return e;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes a test checkpoint directory and returns the sha256 of its files, as a trainer announces
   * them.
   */
  static Map<String, String> writeCheckpoint(
      Path dir, long salt, double collapse, boolean wholeText) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("adapter_config.json"),
        "{\"salt\": "
            + salt
            + ", \"collapse\": "
            + collapse
            + ", \"wholeText\": "
            + wholeText
            + "}");
    Files.write(dir.resolve("adapter_model.safetensors"), oneTensorSafetensors(salt));
    Map<String, String> hashes = new TreeMap<>();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        hashes.put(f.getFileName().toString(), Sha256.ofFile(f));
      }
    }
    return hashes;
  }

  /** A valid safetensors file with one F32 tensor "salt" of shape [1]. */
  static byte[] oneTensorSafetensors(float value) {
    byte[] header =
        "{\"salt\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
            .getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer out =
        java.nio.ByteBuffer.allocate(8 + header.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    out.putLong(header.length).put(header).putFloat(value);
    return out.array();
  }
}
