package io.kalmstream.scorer;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kalmstream.checkpoints.CheckpointReader;
import io.kalmstream.checkpoints.CheckpointStores;
import io.kalmstream.checkpoints.RejectedCheckpoint;
import io.kalmstream.checkpoints.S3Prefix;
import io.kalmstream.checkpoints.S3ProxyServer;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.TextEmbedder;
import io.kalmstream.schemas.CheckpointPublished;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A second process that reads an announced checkpoint from an S3 store, as a scorer on another
 * machine would: its own cache, the scorer's verification, the real model loader. Prints {@code
 * loaded version=N dimension=D from DIR} and exits 0, or prints {@code refused: REASON} and exits
 * 3.
 *
 * <p>Arguments: endpoint, store root, cache directory, base model directory, version, announced
 * URI, then one {@code file=sha256} per file.
 */
public final class S3CheckpointLoadProcess {
  private S3CheckpointLoadProcess() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> files = new TreeMap<>();
    for (String file : List.of(args).subList(6, args.length)) {
      files.put(file.substring(0, file.indexOf('=')), file.substring(file.indexOf('=') + 1));
    }
    CheckpointPublished announced =
        CheckpointPublished.newBuilder()
            .setModelName("kalm")
            .setVersion(Long.parseLong(args[4]))
            .setUri(args[5])
            .setFiles(files)
            .setBaseModel(args[3])
            .setCreatedAt(Instant.now())
            .build();
    try (CheckpointReader store =
        CheckpointStores.reader(
            S3Prefix.parse(args[1]),
            S3ProxyServer.settings(URI.create(args[0])),
            Path.of(args[2]))) {
      Path dir = new CheckpointVerifier(store, 1000).verify(announced, 0);
      LlamaModelLoader loader =
          new LlamaModelLoader(
              Path.of(args[3]), new ModelOptions(Device.cpu(), DataType.FLOAT32), 160);
      try (TextEmbedder embedder = loader.loadWithAdapter(dir)) {
        float[][] embedding = embedder.embed(List.of("{cat, a small feline}"));
        System.out.println(
            "loaded version="
                + announced.getVersion()
                + " dimension="
                + embedding[0].length
                + " from "
                + dir);
      }
    } catch (RejectedCheckpoint e) {
      System.out.println("refused: " + e.getMessage());
      System.exit(3);
    }
  }
}
