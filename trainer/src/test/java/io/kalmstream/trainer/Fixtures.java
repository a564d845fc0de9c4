package io.kalmstream.trainer;

import io.kalmstream.batching.DatasetBatches;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.model.ModelOptions;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The shared model and dataset (through {@code kalm.shared.dir}), and batches built from them. */
public final class Fixtures {

  private static DatasetBatches wn18rr;

  private Fixtures() {}

  public static Path sharedDir() {
    String dir = System.getProperty("kalm.shared.dir");
    if (dir == null) {
      throw new IllegalStateException(
          "system property kalm.shared.dir is not set (run through Maven)");
    }
    return Path.of(dir);
  }

  public static Path stories260K() {
    return sharedDir().resolve("models/stories260K-hf");
  }

  public static Path wn18rrDir() {
    return sharedDir().resolve("datasets/wn18rr");
  }

  /** stories260K (CPU float32 unless a GPU is present) with a fresh adapter. */
  public static LlamaModel modelWithAdapter(LoraConfig lora, long seed) {
    LlamaModel model = LlamaModel.load(stories260K(), ModelOptions.auto());
    model.addLora(lora, seed);
    return model;
  }

  public static synchronized DatasetBatches wn18rr() {
    if (wn18rr == null) {
      wn18rr =
          new DatasetBatches(KgDatasetReader.read(wn18rrDir()), new Examples(TextViews.defaults()));
    }
    return wn18rr;
  }

  public static List<ContrastiveBatch> contrastiveBatches(int count, int size) {
    return take(wn18rr().contrastiveEpoch(0, size, 7), count);
  }

  public static List<InstructionBatch> instructionBatches(int count, int size) {
    return take(wn18rr().instructionEpoch(0, size, 7), count);
  }

  private static <T> List<T> take(Iterator<T> iterator, int count) {
    List<T> out = new ArrayList<>(count);
    while (out.size() < count && iterator.hasNext()) {
      out.add(iterator.next());
    }
    return out;
  }
}
