package io.kalmstream.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerStateTest {

  @TempDir Path root;

  @Test
  void trainerStateRoundTrips() throws IOException {
    TrainerState state =
        new TrainerState(
            42,
            0.049,
            List.of(new SourcePosition("kg.batches.contrastive", 0, 43)),
            0.5,
            "stories260K-hf",
            Map.of("loss", 1.25));
    state.write(root);
    assertEquals(state, TrainerState.read(root));
    assertFalse(Files.readString(root.resolve(TrainerState.STATE_FILE)).isBlank());
  }
}
