package io.kalmstream.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The part of {@code trainer_state} that is not a tensor (the optimizer moments go to {@value
 * #MOMENTS_FILE}): enough to continue exactly where the checkpoint was taken.
 *
 * @param step optimizer updates applied so far; also the checkpoint version
 * @param temperature τ at the checkpoint
 * @param positions what has been consumed, per source and partition
 * @param instructionCredit the fractional instruction batches owed by the interleaving ratio
 * @param baseModel the base model the adapter applies to
 * @param metrics training metrics at the checkpoint
 */
public record TrainerState(
    long step,
    double temperature,
    List<SourcePosition> positions,
    double instructionCredit,
    String baseModel,
    Map<String, Double> metrics) {

  public static final String STATE_FILE = "trainer_state.json";
  public static final String MOMENTS_FILE = "trainer_state.safetensors";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public TrainerState {
    positions = List.copyOf(positions);
    metrics = Map.copyOf(metrics);
  }

  public void write(Path checkpointDirectory) throws IOException {
    JSON.writeValue(checkpointDirectory.resolve(STATE_FILE).toFile(), this);
  }

  public static TrainerState read(Path checkpointDirectory) throws IOException {
    return JSON.readValue(
        Files.readAllBytes(checkpointDirectory.resolve(STATE_FILE)), TrainerState.class);
  }
}
