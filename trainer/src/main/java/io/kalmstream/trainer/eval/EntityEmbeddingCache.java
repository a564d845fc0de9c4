package io.kalmstream.trainer.eval;

import io.kalmstream.checkpoints.Sha256;
import io.kalmstream.model.eval.EmbeddingMatrix;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entity embeddings on disk, one file per key. Embedding every entity is the slow part of an
 * evaluation (40,943 texts for WN18RR) and depends only on the model, the adapter, the texts and
 * how they are cut, so the key is a sha256 over exactly those: the content of the model's weight,
 * config and tokenizer files, of the adapter's files, the text-view version, the token cut, the
 * precision and device, and the texts themselves.
 *
 * <p>File layout: the magic {@code KALMEMB1}, rows and dimension as big-endian ints, then rows·dim
 * big-endian floats. A file is written under a temporary name and renamed, so a reader never sees
 * half of one.
 */
public final class EntityEmbeddingCache {
  private static final Logger LOG = LoggerFactory.getLogger(EntityEmbeddingCache.class);
  private static final String MAGIC = "KALMEMB1";
  private static final String SUFFIX = ".emb";
  private static final int HEADER_BYTES = 8 + 4 + 4;

  private final Path dir;

  public EntityEmbeddingCache(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The cache key of the entity embeddings of {@code texts} under a model and an optional adapter.
   *
   * @param variant whatever else changes the vectors: token cut, precision, device
   */
  public static String key(Path modelDir, Path adapterDir, List<String> texts, String variant) {
    MessageDigest digest = sha256();
    update(digest, "text-view " + LinkPredictionEvaluation.TEXT_VIEW_VERSION);
    update(digest, "variant " + variant);
    update(digest, "model " + fingerprint(modelDir));
    update(digest, "adapter " + (adapterDir == null ? "none" : fingerprint(adapterDir)));
    update(digest, "texts " + texts.size());
    texts.forEach(t -> update(digest, t));
    return HexFormat.of().formatHex(digest.digest());
  }

  /**
   * sha256 of each file that defines a model or an adapter: weights (.safetensors), configs and
   * tokenizer (.json), never the trainer's optimizer state.
   */
  static String fingerprint(Path dir) {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(
                  p ->
                      p.getFileName().toString().endsWith(".safetensors")
                          || p.getFileName().toString().endsWith(".json"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException(dir + " holds no .safetensors or .json file");
    }
    List<String> parts = new ArrayList<>();
    for (Path file : files) {
      try {
        parts.add(file.getFileName() + "=" + Sha256.ofFile(file));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot hash " + file, e);
      }
    }
    return String.join(",", parts);
  }

  public Optional<EmbeddingMatrix> load(String key) {
    Path file = dir.resolve(key + SUFFIX);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
      byte[] magic = new byte[MAGIC.length()];
      if (bytes.remaining() >= HEADER_BYTES) {
        bytes.get(magic);
      }
      if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
        LOG.warn("ignoring {}: not an embedding cache file", file);
        return Optional.empty();
      }
      int rows = bytes.getInt();
      int dim = bytes.getInt();
      float[] data = new float[Math.multiplyExact(rows, dim)];
      if (bytes.remaining() != 4L * data.length) {
        LOG.warn(
            "ignoring {}: {} bytes of vectors for {} x {}", file, bytes.remaining(), rows, dim);
        return Optional.empty();
      }
      bytes.asFloatBuffer().get(data);
      LOG.info("entity embeddings {} x {} read from cache {}", rows, dim, file);
      return Optional.of(new EmbeddingMatrix(data, rows, dim));
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable cache file {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  public void store(String key, float[][] rows) {
    if (rows.length == 0) {
      return;
    }
    int dim = rows[0].length;
    ByteBuffer bytes =
        ByteBuffer.allocate(Math.addExact(HEADER_BYTES, Math.multiplyExact(4 * rows.length, dim)));
    bytes.put(MAGIC.getBytes(StandardCharsets.US_ASCII)).putInt(rows.length).putInt(dim);
    FloatBuffer floats = bytes.asFloatBuffer();
    for (float[] row : rows) {
      floats.put(row);
    }
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, key, ".tmp");
      Files.write(tmp, bytes.array());
      Path file = dir.resolve(key + SUFFIX);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      LOG.info("entity embeddings {} x {} cached in {}", rows.length, dim, file);
    } catch (IOException e) {
      // A cache that cannot be written costs time on the next run, not correctness on this one.
      LOG.warn("cannot cache entity embeddings in {}: {}", dir, e.toString());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }

  private static void update(MessageDigest digest, String s) {
    digest.update(s.getBytes(StandardCharsets.UTF_8));
    digest.update((byte) '\n');
  }
}
