package io.kalmstream.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.kalmstream.batching.TextViews;
import io.kalmstream.model.CausalLmLoss;
import io.kalmstream.model.DynamicLossScaler;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.ModelFlops;
import io.kalmstream.model.NoGradScope;
import io.kalmstream.model.TokenBatch;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.InstructionExample;
import io.kalmstream.trainer.checkpoint.TrainerState;
import io.kalmstream.trainer.loss.ContrastiveLoss;
import io.kalmstream.trainer.loss.Temperature;
import io.kalmstream.trainer.optim.AdamW;
import io.kalmstream.trainer.optim.Gradients;
import io.kalmstream.trainer.optim.LearningRateSchedule;
import io.kalmstream.trainer.optim.TrainableParameter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One KaLM optimizer step at a time on a {@link LlamaModel} carrying a LoRA adapter: L = L_exp +
 * λ·L_imp, clipped, AdamW with the warmup-cosine schedule, then τ projected into its bounds.
 *
 * <p>Gradient accumulation with in-batch negatives. Splitting a contrastive batch into
 * micro-batches and summing their losses would change the objective: each row's softmax must see
 * every column of the batch. When {@link TrainerSettings#embeddingChunk()} is smaller than the
 * batch, the step follows GradCache (Gao et al. 2021): (1) embed every text chunk by chunk without
 * a graph; (2) compute L_exp on those embeddings as leaves and backpropagate to get ∂L/∂e for every
 * row and ∂L/∂log(1/τ); (3) re-embed chunk by chunk with a graph and backpropagate the surrogate Σ
 * e·∂L/∂e, which accumulates exactly ∂L/∂θ into the LoRA weights. The dropout masks of (1) and (3)
 * are the same because both passes seed the engine's generator with the same value per chunk.
 * Activations are held for one chunk at a time, so memory no longer grows with N.
 *
 * <p>Not thread-safe: one trainer per model.
 */
public final class KalmTrainer implements AutoCloseable {

  private static final String ENGINE = "PyTorch";

  private final LlamaModel model;
  private final TrainerSettings settings;
  private final Temperature temperature;
  private final AdamW optimizer;
  private final LearningRateSchedule schedule;
  private final ContrastiveLoss contrastiveLoss;
  private final NDManager manager;
  private final long eosId;
  private final DynamicLossScaler lossScaler;

  /**
   * Builds D_hr and D_t from a pair's parts with the tokenizer's cut; null to take the views as
   * sent.
   */
  private final TextViews views;

  private long step;

  /** The model must already carry the adapter to train (fresh, or loaded from a checkpoint). */
  public KalmTrainer(LlamaModel model, TrainerSettings settings) {
    if (model.lora() == null) {
      throw new IllegalArgumentException("the model has no LoRA adapter to train");
    }
    this.model = model;
    this.settings = settings.withModelSize(model.parameterCount());
    this.views =
        this.settings.maxPartTokens() == 0
            ? null
            : new TextViews(model.tokenizer()::truncate, this.settings.maxPartTokens());
    this.manager = NDManager.newBaseManager(model.device(), ENGINE);
    this.temperature =
        Temperature.create(
            manager, this.settings.initialTau(), this.settings.minTau(), this.settings.maxTau());
    this.optimizer = new AdamW(this.settings.optimizer());
    this.schedule = this.settings.schedule();
    this.contrastiveLoss = new ContrastiveLoss(this.settings.margin());
    List<Integer> eos = model.config().eosTokenIds();
    this.eosId = eos.isEmpty() ? model.tokenizer().padId() : eos.get(0);
    this.lossScaler = DynamicLossScaler.forModel(model);
  }

  public long step() {
    return step;
  }

  public double tau() {
    return temperature.tau();
  }

  public TrainerSettings settings() {
    return settings;
  }

  public LlamaModel model() {
    return model;
  }

  /**
   * Trains on one contrastive batch (may be null) and the instruction batches given (may be empty);
   * at least one of them must be present.
   */
  public StepResult train(ContrastiveBatch contrastive, List<InstructionBatch> instructions) {
    if (contrastive == null && instructions.isEmpty()) {
      throw new IllegalArgumentException(
          "a step needs a contrastive batch or an instruction batch");
    }
    long started = System.nanoTime();
    List<TrainableParameter> parameters = parameters();
    Gradients.zero(parameters);
    double exp = Double.NaN;
    double imp = Double.NaN;
    long tokens = 0;
    double flops = 0;
    try (NDManager scope = NDManager.newBaseManager(model.device(), ENGINE)) {
      if (contrastive != null) {
        Contrastive result = contrastive(contrastive, scope);
        exp = result.loss();
        tokens += result.tokens();
        flops += result.flops();
      }
      if (!instructions.isEmpty()) {
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < instructions.size(); i++) {
          Instruction result =
              instruction(
                  instructions.get(i).getExamples(),
                  scope,
                  settings.lambda() / instructions.size(),
                  i);
          if (result != null) {
            sum += result.loss();
            counted++;
            tokens += result.tokens();
            flops += result.flops();
          }
        }
        imp = counted == 0 ? Double.NaN : sum / counted;
      }
    }
    boolean finite = unscale();
    double norm = Gradients.clipByGlobalNorm(parameters, settings.maxGradNorm());
    double lr = schedule.at(step);
    if (finite && Double.isFinite(norm)) {
      try (NoGradScope ignored = new NoGradScope()) {
        optimizer.update(parameters, lr);
        temperature.project();
      }
    }
    Gradients.zero(parameters);
    long index = step++;
    double loss = (Double.isNaN(exp) ? 0 : exp) + (Double.isNaN(imp) ? 0 : settings.lambda() * imp);
    int pairs = contrastive == null ? 0 : contrastive.getPairs().size();
    return new StepResult(
        index,
        exp,
        imp,
        loss,
        temperature.tau(),
        lr,
        norm,
        pairs,
        tokens,
        flops,
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Divides the gradients by the float16 loss scale (a no-op in float32) and tells whether they are
   * all finite; the scaler halves its scale after an overflow, and the step is then skipped.
   */
  private boolean unscale() {
    float scale = lossScaler.currentScale();
    boolean temperatureFinite;
    try (NDArray gradient = temperature.parameter().getGradient()) {
      gradient.divi(scale);
      temperatureFinite = Float.isFinite(gradient.getFloat());
    }
    List<Parameter> adapter = new ArrayList<>(model.adapterParameters().values());
    return lossScaler.unscaleAndCheck(adapter) && temperatureFinite;
  }

  private record Contrastive(double loss, long tokens, double flops) {}

  private Contrastive contrastive(ContrastiveBatch batch, NDManager scope) {
    List<ContrastivePair> pairs = batch.getPairs();
    int n = pairs.size();
    List<String> headRelations = new ArrayList<>(n);
    List<String> tails = new ArrayList<>(n);
    for (ContrastivePair pair : pairs) {
      headRelations.add(headRelationView(pair));
      tails.add(tailView(pair));
    }
    NDArray mask =
        settings.falseNegativeMask()
            ? ContrastiveLoss.maskOf(scope, n, batch.getFalseNegatives())
            : null;
    TokenBatch hrTokens = model.tokenizer().encodeBatch(headRelations, settings.maxTextTokens());
    TokenBatch tailTokens = model.tokenizer().encodeBatch(tails, settings.maxTextTokens());
    long tokens = realTokens(hrTokens) + realTokens(tailTokens);
    double flops = flops(hrTokens) + flops(tailTokens);
    int chunk = settings.embeddingChunk() == 0 ? n : settings.embeddingChunk();
    List<int[]> hrGroups = passes(hrTokens, chunk);
    List<int[]> tailGroups = passes(tailTokens, chunk);

    if (chunk >= n) {
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray hr = embedGroups(hrTokens, hrGroups, scope, 0);
        NDArray tail = embedGroups(tailTokens, tailGroups, scope, 1);
        NDArray loss = contrastiveLoss.compute(hr, tail, temperature.inverse(), mask);
        collector.backward(lossScaler.scale(loss));
        return new Contrastive(loss.getFloat(), tokens, flops);
      }
    }

    // GradCache pass 1: embeddings without a graph.
    NDArray hr = embedGroups(hrTokens, hrGroups, scope, 0);
    NDArray tail = embedGroups(tailTokens, tailGroups, scope, 1);
    hr.setRequiresGradient(true);
    tail.setRequiresGradient(true);
    double lossValue;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = contrastiveLoss.compute(hr, tail, temperature.inverse(), mask);
      collector.backward(lossScaler.scale(loss)); // ∂L/∂e carries the loss scale into pass 2
      lossValue = loss.getFloat();
    }
    // Pass 2: re-embed with a graph and push ∂L/∂e into the weights.
    backpropagateGroups(hrTokens, hr.getGradient(), hrGroups, scope, 0);
    backpropagateGroups(tailTokens, tail.getGradient(), tailGroups, scope, 1);
    return new Contrastive(lossValue, tokens, flops);
  }

  /**
   * The rows of each forward pass over a view: the length groups when the whole batch is embedded
   * at once, else GradCache chunks of {@code chunk} rows in length order.
   */
  private List<int[]> passes(TokenBatch tokens, int chunk) {
    return chunk >= tokens.size()
        ? LengthBuckets.split(tokens.lengths(), settings.lengthBuckets())
        : LengthBuckets.chunks(tokens.lengths(), chunk);
  }

  /** D_hr of a pair: rebuilt from its parts with the token cut, or as the batch sent it. */
  private String headRelationView(ContrastivePair pair) {
    if (views == null
        || pair.getHeadDescription() == null
        || pair.getRelationDescription() == null) {
      return pair.getHeadRelationText();
    }
    return views.headRelation(pair.getHeadDescription(), pair.getRelationDescription());
  }

  private String tailView(ContrastivePair pair) {
    return views == null || pair.getTailDescription() == null
        ? pair.getTailText()
        : views.tail(pair.getTailDescription());
  }

  /**
   * Embeddings [B, H] of every row, in the batch's order, computed one group of rows at a time
   * (each group padded to its own longest row).
   */
  private NDArray embedGroups(TokenBatch tokens, List<int[]> groups, NDManager scope, int view) {
    NDList parts = new NDList();
    for (int g = 0; g < groups.size(); g++) {
      parts.add(embed(select(tokens, groups.get(g)), scope, chunkSeed(view, g)));
    }
    NDArray grouped = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
    return groups.size() == 1
        ? grouped
        : grouped.get(scope.create(LengthBuckets.inverse(groups, tokens.size())));
  }

  private void backpropagateGroups(
      TokenBatch tokens, NDArray embeddingGradient, List<int[]> groups, NDManager scope, int view) {
    for (int g = 0; g < groups.size(); g++) {
      int[] rows = groups.get(g);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray embeddings = embed(select(tokens, rows), scope, chunkSeed(view, g));
        NDArray upstream = embeddingGradient.get(scope.create(LengthBuckets.asLongs(rows)));
        collector.backward(embeddings.mul(upstream).sum());
      }
    }
  }

  private int chunkSeed(int view, int group) {
    return (int) (settings.seed() * 1_000_003L + step * 7919L + view * 104_729L + group);
  }

  /**
   * L2-normalised embeddings [B, H] with LoRA dropout, under the engine seed {@code seed}. DJL
   * draws dropout masks from the engine's one generator, so the trainer reseeds it before each
   * chunk: the two passes of the GradCache accumulation must see the same masks. Inference (the
   * scorer, in the same JVM under kalm local) draws nothing.
   */
  private NDArray embed(TokenBatch tokens, NDManager scope, int seed) {
    Engine.getInstance().setRandomSeed(seed);
    NDList inputs = tokens.toNDList(scope);
    return model.embeddings(inputs.get(0), inputs.get(1), true);
  }

  private record Instruction(double loss, long tokens, double flops) {}

  /**
   * Backpropagates weight·L_imp of one instruction batch; null when truncation left no response
   * token. With {@link TrainerSettings#sharedPrefix()} the ids every sequence starts with (BOS, the
   * Alpaca preamble and the instruction: about three quarters of each sequence) run once, and each
   * row runs only its own remainder.
   */
  private Instruction instruction(
      List<InstructionExample> examples, NDManager scope, double weight, int index) {
    AlpacaEncoding encoding =
        AlpacaEncoding.of(examples, model.tokenizer(), eosId, settings.maxInstructionTokens());
    if (encoding.responseTokens() == 0) {
      return null;
    }
    int shared = settings.sharedPrefix() && examples.size() > 1 ? encoding.sharedPrefixLength() : 0;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      Engine.getInstance().setRandomSeed(chunkSeed(2, index));
      NDArray loss;
      if (shared > 0) {
        AlpacaEncoding.Split split = encoding.split(shared, model.tokenizer().padId());
        NDArray prefix = scope.create(split.prefix(), new Shape(1, shared));
        NDList suffix = split.suffix().toNDList(scope);
        NDArray hidden = model.hiddenStatesPrefixed(prefix, suffix.get(0), suffix.get(1), true);
        loss =
            CausalLmLoss.meanAtTargets(
                hidden, split.suffix().ids(), split.responseMask(), model::logits);
      } else {
        NDList inputs = encoding.tokens().toNDList(scope);
        NDArray hidden = model.hiddenStates(inputs.get(0), inputs.get(1), true);
        loss =
            CausalLmLoss.meanAtTargets(
                hidden, encoding.tokens().ids(), encoding.responseMask(), model::logits);
      }
      collector.backward(lossScaler.scale(loss.mul((float) weight)));
      return new Instruction(
          loss.getFloat(), realTokens(encoding.tokens()), flops(encoding.tokens()));
    }
  }

  /** The given rows, re-padded to their own longest row, so a group of short texts stays short. */
  private TokenBatch select(TokenBatch tokens, int[] rows) {
    List<long[]> selected = new ArrayList<>(rows.length);
    for (int row : rows) {
      selected.add(Arrays.copyOf(tokens.ids()[row], tokens.lengths()[row]));
    }
    return TokenBatch.rightPadded(selected, model.tokenizer().padId());
  }

  private double flops(TokenBatch tokens) {
    double sum = 0;
    for (int length : tokens.lengths()) {
      sum += ModelFlops.of(model.config(), model.lora(), 1, length).forwardBackward();
    }
    return sum;
  }

  private static long realTokens(TokenBatch tokens) {
    long sum = 0;
    for (int length : tokens.lengths()) {
      sum += length;
    }
    return sum;
  }

  /** The LoRA matrices under their PEFT names (decayed) and log(1/τ) (not decayed). */
  private List<TrainableParameter> parameters() {
    List<TrainableParameter> parameters = new ArrayList<>();
    for (Map.Entry<String, Parameter> entry : model.adapterParameters().entrySet()) {
      parameters.add(new TrainableParameter(entry.getKey(), entry.getValue().getArray(), true));
    }
    parameters.add(
        new TrainableParameter(Temperature.PARAMETER_NAME, temperature.parameter(), false));
    return parameters;
  }

  // ---------------------------------------------------------------- checkpoints

  /**
   * Writes the PEFT adapter, {@code trainer_state.json} and the optimizer moments with log(1/τ) in
   * {@code trainer_state.safetensors} into {@code directory}.
   */
  public void writeCheckpoint(Path directory, TrainerState state) throws IOException {
    model.saveAdapter(directory);
    state.write(directory);
    NDList tensors = optimizer.state();
    NDArray logInverseTau = temperature.parameter().duplicate();
    logInverseTau.setName(Temperature.PARAMETER_NAME);
    tensors.add(logInverseTau);
    try (OutputStream out = Files.newOutputStream(directory.resolve(TrainerState.MOMENTS_FILE))) {
      tensors.encode(out, NDList.Encoding.SAFETENSORS);
    } finally {
      logInverseTau.close();
    }
  }

  /** Continues from a checkpoint whose adapter the model has already loaded. */
  public void resume(Path directory, TrainerState state) throws IOException {
    NDList tensors;
    try (InputStream in = Files.newInputStream(directory.resolve(TrainerState.MOMENTS_FILE))) {
      tensors = NDList.decode(manager, in);
    }
    NDList moments = new NDList();
    for (NDArray tensor : tensors) {
      if (Temperature.PARAMETER_NAME.equals(tensor.getName())) {
        temperature.parameter().set(tensor.toFloatArray());
        temperature.project();
        tensor.close();
      } else {
        moments.add(tensor);
      }
    }
    optimizer.restore(moments, state.step());
    step = state.step();
  }

  @Override
  public void close() {
    optimizer.close();
    temperature.close();
    manager.close();
  }
}
