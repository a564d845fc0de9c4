package io.kalmstream.trainer;

import io.kalmstream.checkpoints.CheckpointStore;
import io.kalmstream.checkpoints.StoredCheckpoint;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.model.NoGradScope;
import io.kalmstream.trainer.checkpoint.TrainerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base model with the adapter to train and its trainer, continued from the newest checkpoint of
 * the store when there is one (its adapter, optimizer moments, temperature and step) or started
 * fresh.
 */
public final class TrainingSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TrainingSession.class);

  private final LlamaModel model;
  private final KalmTrainer trainer;
  private final Optional<TrainerState> resumedFrom;

  private TrainingSession(
      LlamaModel model, KalmTrainer trainer, Optional<TrainerState> resumedFrom) {
    this.model = model;
    this.trainer = trainer;
    this.resumedFrom = resumedFrom;
  }

  public static TrainingSession open(
      Path modelDir, ModelOptions options, TrainerSettings settings, CheckpointStore store)
      throws IOException {
    Optional<StoredCheckpoint> latest = store.latest();
    LlamaModel model = LlamaModel.load(modelDir, options);
    try {
      if (latest.isEmpty()) {
        model.addLora(settings.lora(), settings.seed());
        LOG.info(
            "starting a fresh adapter (r={}, alpha={}, dropout={}, targets {})",
            settings.lora().rank(),
            settings.lora().alpha(),
            settings.lora().dropout(),
            settings.lora().targetModules());
        return new TrainingSession(model, new KalmTrainer(model, settings), Optional.empty());
      }
      Path directory = store.localDirectory(latest.get());
      TrainerState state = TrainerState.read(directory);
      KalmTrainer trainer;
      // Restoring writes into leaves that require grad; the session may be opened on any thread.
      try (NoGradScope ignored = new NoGradScope()) {
        model.loadAdapter(directory);
        trainer = new KalmTrainer(model, settings);
        trainer.resume(directory, state);
      }
      LoraConfig loaded = model.lora();
      if (!loaded.equals(settings.lora())) {
        LOG.warn(
            "checkpoint version={} has adapter {}; it wins over the configured {}",
            latest.get().version(),
            loaded,
            settings.lora());
      }
      LOG.info("resumed checkpoint version={} from {}", latest.get().version(), latest.get().uri());
      return new TrainingSession(model, trainer, Optional.of(state));
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  public KalmTrainer trainer() {
    return trainer;
  }

  public LlamaModel model() {
    return model;
  }

  /** The state of the checkpoint this session continues, empty for a fresh start. */
  public Optional<TrainerState> resumedFrom() {
    return resumedFrom;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
