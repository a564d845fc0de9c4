package io.kalmstream.scorer;

import ai.djl.ndarray.NDArray;
import io.kalmstream.checkpoints.Sha256;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.CheckpointPublished;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Writes a real PEFT checkpoint through the model API, with random (non-zero) LoRA B matrices so
 * that it changes the embeddings, and announces it as a trainer would. The benchmark and the
 * end-to-end test use it where no trained checkpoint is at hand.
 */
public final class RandomAdapterCheckpoint {
  private RandomAdapterCheckpoint() {}

  /**
   * @param scale standard deviation of the LoRA B entries
   * @return the announcement, with the sha256 of every file in {@code dir}
   */
  public static CheckpointPublished write(
      Path baseModel, Path dir, long version, long seed, double scale) {
    try (LlamaModel model =
        LlamaModel.load(
            baseModel,
            new ModelOptions(ai.djl.Device.cpu(), ai.djl.ndarray.types.DataType.FLOAT32))) {
      model.addLora(LoraConfig.kalmDefault(), seed);
      model
          .adapterParameters()
          .forEach(
              (name, p) -> {
                if (name.endsWith("lora_B.weight")) {
                  NDArray b = p.getArray();
                  b.addi(
                      b.getManager().randomNormal(0, (float) scale, b.getShape(), b.getDataType()));
                }
              });
      model.saveAdapter(dir);
    }
    return announce(dir, "kalm", version, baseModel.toString());
  }

  /** The announcement of an existing checkpoint directory: sha256 of every regular file in it. */
  public static CheckpointPublished announce(
      Path dir, String modelName, long version, String baseModel) {
    Map<String, String> hashes;
    try {
      hashes = Sha256.ofTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return CheckpointPublished.newBuilder()
        .setModelName(modelName)
        .setVersion(version)
        .setUri(dir.toAbsolutePath().toUri().toString())
        .setFiles(hashes)
        .setBaseModel(baseModel)
        .setCreatedAt(Instant.now())
        .build();
  }
}
