package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.checkpoints.S3CheckpointStore;
import io.kalmstream.checkpoints.S3Prefix;
import io.kalmstream.checkpoints.S3ProxyServer;
import io.kalmstream.checkpoints.StoredCheckpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Two processes share a checkpoint store only through S3: this JVM writes a real PEFT checkpoint as
 * the trainer does, and a second JVM ({@link S3CheckpointLoadProcess}, own cache directory) reads,
 * verifies and loads it into the model; after an object is changed, the second JVM refuses it.
 */
class S3CheckpointAcrossProcessesTest {
  @TempDir Path tmp;

  @Test
  void aCheckpointWrittenHereIsVerifiedAndLoadedByAnotherProcess() throws Exception {
    Path base = Path.of(System.getProperty("kalm.shared.dir")).resolve("models/stories260K-hf");
    try (S3ProxyServer server = new S3ProxyServer();
        S3Client client = server.createBucket("kalm-shared")) {
      S3Prefix root = S3Prefix.parse("s3://kalm-shared/checkpoints");
      StoredCheckpoint published;
      try (S3CheckpointStore trainerSide =
          new S3CheckpointStore(server.settings().newClient(), root, 5, tmp.resolve("trainer"))) {
        published =
            trainerSide.publish(4, dir -> RandomAdapterCheckpoint.write(base, dir, 4, 11, 0.05));
      }

      Result loaded = runSecondProcess(server, root, base, published);
      assertEquals(0, loaded.exit(), loaded.output());
      assertTrue(loaded.output().contains("loaded version=4 dimension=64 from "), loaded.output());
      assertTrue(loaded.output().contains(tmp.resolve("scorer-cache").toString()), loaded.output());

      byte[] weights =
          Files.readAllBytes(
              tmp.resolve("scorer-cache/step-000000000004/adapter_model.safetensors"));
      weights[weights.length - 1] ^= 1;
      client.putObject(
          b ->
              b.bucket("kalm-shared")
                  .key("checkpoints/step-000000000004/adapter_model.safetensors"),
          RequestBody.fromBytes(weights));
      Result refused = runSecondProcess(server, root, base, published);
      assertEquals(3, refused.exit(), refused.output());
      assertTrue(
          refused.output().contains("refused: sha256 mismatch for adapter_model.safetensors"),
          refused.output());
    }
  }

  private record Result(int exit, String output) {}

  private Result runSecondProcess(
      S3ProxyServer server, S3Prefix root, Path base, StoredCheckpoint published) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dai.djl.offline=true");
    command.add("-Dai.djl.pytorch.num_threads=1");
    command.add("-Dai.djl.pytorch.num_interop_threads=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(S3CheckpointLoadProcess.class.getName());
    command.add(server.endpoint().toString());
    command.add(root.toString());
    command.add(tmp.resolve("scorer-cache").toString());
    command.add(base.toString());
    command.add(Long.toString(published.version()));
    command.add(published.uri().toString());
    published.sha256().forEach((file, sha256) -> command.add(file + "=" + sha256));
    Path log = Files.createTempFile(tmp, "second-process", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("OMP_NUM_THREADS", "1");
    Process process = builder.start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "the second process did not finish: " + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
