package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.checkpoints.DirectoryCheckpointReader;
import io.kalmstream.checkpoints.RejectedCheckpoint;
import io.kalmstream.checkpoints.Sha256;
import io.kalmstream.schemas.CheckpointPublished;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointVerifierTest {
  @TempDir Path tmp;
  private Path root;
  private CheckpointVerifier verifier;

  @BeforeEach
  void storeRoot() throws Exception {
    root = Files.createDirectories(tmp.resolve("store"));
    verifier = new CheckpointVerifier(new DirectoryCheckpointReader(root), 1000);
  }

  private static CheckpointPublished announce(Path dir, Map<String, String> files) {
    return announce(dir, files, 1);
  }

  private static CheckpointPublished announce(Path dir, Map<String, String> files, long version) {
    return CheckpointPublished.newBuilder()
        .setModelName("m")
        .setVersion(version)
        .setUri(dir.toUri().toString())
        .setFiles(files)
        .setBaseModel("b")
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  private String refusal(CheckpointPublished c) {
    return assertThrows(RejectedCheckpoint.class, () -> verifier.verify(c, 0)).getMessage();
  }

  @Test
  void acceptsMatchingHashesAndRefusesEveryKindOfMismatch() throws Exception {
    Path dir = root.resolve("ckpt");
    Map<String, String> files = TestModelLoader.writeCheckpoint(dir, 1, 0, false);
    assertEquals(dir.toRealPath(), verifier.verify(announce(dir, files), 0));
    assertEquals(
        dir.toRealPath(),
        verifier.verify(
            CheckpointPublished.newBuilder(announce(dir, files)).setUri(dir.toString()).build(), 0),
        "a plain path works as well as a URI");

    Map<String, String> wrong = new HashMap<>(files);
    wrong.put(
        "adapter_config.json",
        files.get("adapter_config.json").replace('a', 'b').replace('0', '1'));
    assertTrue(refusal(announce(dir, wrong)).startsWith("sha256 mismatch for adapter_config.json"));

    Map<String, String> unlisted = new HashMap<>(files);
    unlisted.remove("adapter_model.safetensors");
    assertEquals(
        "announcement lists no sha256 for adapter_model.safetensors",
        refusal(announce(dir, unlisted)));

    Map<String, String> missing = new HashMap<>(files);
    missing.put("trainer_state/optimizer.safetensors", "00");
    assertTrue(
        refusal(announce(dir, missing)).startsWith("file trainer_state/optimizer.safetensors "));

    Files.writeString(root.resolve("secret"), "outside");
    Map<String, String> escaping = new HashMap<>(files);
    escaping.put("../secret", Sha256.ofFile(root.resolve("secret")));
    assertEquals(
        "file ../secret lies outside the checkpoint directory", refusal(announce(dir, escaping)));

    assertTrue(refusal(announce(root.resolve("absent"), files)).contains("does not exist"));
  }

  @Test
  void refusesADirectoryOutsideTheStoreRoot() throws Exception {
    Path elsewhere = tmp.resolve("elsewhere/ckpt");
    Map<String, String> files = TestModelLoader.writeCheckpoint(elsewhere, 1, 0, false);
    assertTrue(
        refusal(announce(elsewhere, files)).contains("lies outside the checkpoint store root"));
    Path dotted = root.resolve("../elsewhere/ckpt");
    assertTrue(
        refusal(announce(dotted, files)).contains("lies outside the checkpoint store root"),
        "a path that climbs out of the root is judged where it lands");
  }

  @Test
  void refusesSymlinksThatLeaveTheRoot() throws Exception {
    Path outside = tmp.resolve("outside/ckpt");
    Map<String, String> files = TestModelLoader.writeCheckpoint(outside, 1, 0, false);
    Path linkedDir = Files.createSymbolicLink(root.resolve("linked"), outside);
    assertTrue(
        refusal(announce(linkedDir, files)).contains("lies outside the checkpoint store root"));

    Path dir = root.resolve("ckpt");
    Map<String, String> inside = TestModelLoader.writeCheckpoint(dir, 2, 0, false);
    Files.delete(dir.resolve("adapter_config.json"));
    Files.createSymbolicLink(
        dir.resolve("adapter_config.json"), outside.resolve("adapter_config.json"));
    inside.put("adapter_config.json", files.get("adapter_config.json"));
    assertTrue(
        refusal(announce(dir, inside))
            .contains("is a symlink that leaves the checkpoint store root"));
  }

  @Test
  void refusesVersionsThatAreNoPlausibleSuccessor() throws Exception {
    Path dir = root.resolve("ckpt");
    Map<String, String> files = TestModelLoader.writeCheckpoint(dir, 1, 0, false);
    assertTrue(
        refusal(announce(dir, files, Long.MAX_VALUE))
            .contains("is not a plausible successor of version 0"));
    assertEquals(
        dir.toRealPath(), verifier.verify(announce(dir, files, 1000), 0), "within the jump");
    assertThrows(
        RejectedCheckpoint.class,
        () -> verifier.verify(announce(dir, files, 5), 5),
        "not newer than the newest accepted version");
  }

  @Test
  void refusesSafetensorsWhoseHeaderDoesNotMatchTheFile() throws Exception {
    Path dir = root.resolve("ckpt");
    TestModelLoader.writeCheckpoint(dir, 1, 0, false);
    Path weights = dir.resolve("adapter_model.safetensors");
    byte[] valid = Files.readAllBytes(weights);

    Files.write(weights, Arrays.copyOf(valid, valid.length - 2));
    assertTrue(
        refusal(announce(dir, hashes(dir))).contains("declares bytes [0, 4)"), "truncated data");

    Files.write(weights, Arrays.copyOf(valid, 20));
    assertTrue(
        refusal(announce(dir, hashes(dir))).contains("is not a safetensors file"),
        "truncated header");

    byte[] header =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,17179869184]}}"
            .getBytes(StandardCharsets.UTF_8);
    Files.write(
        weights,
        ByteBuffer.allocate(8 + header.length + 16)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(header.length)
            .put(header)
            .array());
    assertTrue(
        refusal(announce(dir, hashes(dir))).contains("the data section holds 16"),
        "offsets that promise 16 GiB in a file of a few bytes");
  }

  private static Map<String, String> hashes(Path dir) throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String name : CheckpointVerifier.REQUIRED_FILES) {
      out.put(name, Sha256.ofFile(dir.resolve(name)));
    }
    return out;
  }
}
