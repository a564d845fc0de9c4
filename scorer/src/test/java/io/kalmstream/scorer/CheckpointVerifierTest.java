package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.CheckpointPublished;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointVerifierTest {
  @TempDir Path tmp;

  private static CheckpointPublished announce(Path dir, Map<String, String> files) {
    return CheckpointPublished.newBuilder().setModelName("m").setVersion(1).setUri(dir.toUri().toString())
        .setFiles(files).setBaseModel("b").setCreatedAt(Instant.EPOCH).build();
  }

  private String refusal(CheckpointPublished c) {
    return assertThrows(CheckpointVerifier.RejectedCheckpoint.class, () -> CheckpointVerifier.verify(c)).getMessage();
  }

  @Test
  void acceptsMatchingHashesAndRefusesEveryKindOfMismatch() throws Exception {
    Path dir = tmp.resolve("ckpt");
    Map<String, String> files = TestModelLoader.writeCheckpoint(dir, 1, 0, false);
    assertEquals(dir.toAbsolutePath().normalize(), CheckpointVerifier.verify(announce(dir, files)));
    assertEquals(dir.toAbsolutePath().normalize(), CheckpointVerifier.verify(
        CheckpointPublished.newBuilder(announce(dir, files)).setUri(dir.toString()).build()), "a plain path works as well as a URI");

    Map<String, String> wrong = new HashMap<>(files);
    wrong.put("adapter_config.json", files.get("adapter_config.json").replace('a', 'b').replace('0', '1'));
    assertTrue(refusal(announce(dir, wrong)).startsWith("sha256 mismatch for adapter_config.json"));

    Map<String, String> unlisted = new HashMap<>(files);
    unlisted.remove("adapter_model.safetensors");
    assertEquals("announcement lists no sha256 for adapter_model.safetensors", refusal(announce(dir, unlisted)));

    Map<String, String> missing = new HashMap<>(files);
    missing.put("trainer_state/optimizer.safetensors", "00");
    assertEquals("file trainer_state/optimizer.safetensors is missing", refusal(announce(dir, missing)));

    Files.writeString(tmp.resolve("secret"), "outside");
    Map<String, String> escaping = new HashMap<>(files);
    escaping.put("../secret", TestModelLoader.sha256(tmp.resolve("secret")));
    assertEquals("file ../secret lies outside the checkpoint directory", refusal(announce(dir, escaping)));

    assertTrue(refusal(announce(tmp.resolve("absent"), files)).contains("does not exist"));
  }
}
