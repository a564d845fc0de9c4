package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kalmstream.checkpoints.DirectoryCheckpointReader;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.TextEmbedder;
import io.kalmstream.model.eval.Vectors;
import io.kalmstream.schemas.CheckpointPublished;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real model path: a PEFT checkpoint written by the model code is verified, loaded and changes
 * embeddings.
 */
class LlamaModelLoaderTest {
  @TempDir Path tmp;

  @Test
  void aCheckpointWrittenByTheModelCodeVerifiesLoadsAndMovesTheEmbeddings() throws Exception {
    Path base = Path.of(System.getProperty("kalm.shared.dir")).resolve("models/stories260K-hf");
    CheckpointPublished checkpoint =
        RandomAdapterCheckpoint.write(base, tmp.resolve("ckpt"), 3, 11, 0.05);
    assertTrue(
        checkpoint.getFiles().keySet().containsAll(CheckpointVerifier.REQUIRED_FILES),
        checkpoint.getFiles().toString());
    Path dir = new CheckpointVerifier(new DirectoryCheckpointReader(tmp), 10).verify(checkpoint, 0);

    LlamaModelLoader loader =
        new LlamaModelLoader(base, new ModelOptions(Device.cpu(), DataType.FLOAT32), 160);
    List<String> texts = List.of("{cat, a small feline}", "[dog, a canine, hypernym]");
    try (TextEmbedder plain = loader.loadBase();
        TextEmbedder adapted = loader.loadWithAdapter(dir)) {
      float[][] before = plain.embed(texts);
      float[][] after = adapted.embed(texts);
      assertEquals(64, plain.dimension());
      for (int i = 0; i < texts.size(); i++) {
        assertEquals(1.0, Vectors.dot(after[i], after[i]), 1e-4, "unit norm");
        double cosine = Vectors.dot(before[i], after[i]);
        assertTrue(
            cosine < 0.99999,
            "the adapter changes the embedding of " + texts.get(i) + ": " + cosine);
      }
    }
  }
}
