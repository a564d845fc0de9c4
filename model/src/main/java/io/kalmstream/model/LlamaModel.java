package io.kalmstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded Llama-family model: configuration, tokenizer, the {@link LlamaDecoder} block with its
 * frozen base weights, and optionally a LoRA adapter. This is what the trainer, the scorer and
 * {@code kalm generate} use.
 *
 * <p>Arrays passed in stay owned by the caller: every result is attached to the manager of the
 * input ids, so a caller that opens a sub-manager per batch frees the whole forward pass by closing
 * it. Forward passes work under a DJL {@code GradientCollector}; only LoRA parameters require
 * gradients. Not thread-safe.
 */
public final class LlamaModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LlamaModel.class);

  /**
   * PEFT's key prefix for a causal LM: PeftModel.base_model (LoraModel).model
   * (LlamaForCausalLM).model.
   */
  static final String PEFT_PREFIX = "base_model.model.model.layers.";

  static final String ADAPTER_WEIGHTS = "adapter_model.safetensors";
  private static final String LORA_A_SUFFIX = ".lora_A.weight";
  private static final String LORA_B_SUFFIX = ".lora_B.weight";

  private final Path modelDir;
  private final LlamaConfig config;
  private final LlamaTokenizer tokenizer;
  private final LlamaDecoder decoder;
  private final NDManager manager;
  private final ModelOptions options;
  private final List<NamedProjection> projections;
  private NDManager adapterManager;
  private LoraConfig lora;

  /**
   * A linear projection with its PEFT module name and its short name (the one target_modules
   * lists).
   */
  private record NamedProjection(String peftName, String projection, LoraLinear layer) {}

  private LlamaModel(
      Path modelDir,
      LlamaConfig config,
      LlamaTokenizer tokenizer,
      LlamaDecoder decoder,
      NDManager manager,
      ModelOptions options) {
    this.modelDir = modelDir;
    this.config = config;
    this.tokenizer = tokenizer;
    this.decoder = decoder;
    this.manager = manager;
    this.options = options;
    this.projections = new ArrayList<>();
    for (int i = 0; i < decoder.numLayers(); i++) {
      for (Map.Entry<String, LoraLinear> p : decoder.projections(i).entrySet()) {
        String path = p.getKey();
        projections.add(
            new NamedProjection(
                PEFT_PREFIX + i + "." + path, path.substring(path.indexOf('.') + 1), p.getValue()));
      }
    }
  }

  public static LlamaModel load(Path modelDir, ModelOptions options) {
    if (!Files.isDirectory(modelDir)) {
      throw new IllegalArgumentException("model directory " + modelDir + " does not exist");
    }
    LlamaConfig config = LlamaConfig.load(modelDir);
    HfCheckpoint checkpoint = HfCheckpoint.open(modelDir);
    NDManager manager = Engine.getEngine(ModelOptions.ENGINE).newBaseManager(options.device());
    LlamaTokenizer tokenizer = null;
    try {
      LlamaDecoder decoder = new LlamaDecoder(config);
      decoder.loadWeights(checkpoint, manager, options.baseType());
      tokenizer = LlamaTokenizer.load(modelDir, config);
      LOG.info(
          "loaded {} ({} layers, hidden {}, vocab {}) from {} on {} as {}",
          config.modelType(),
          config.numLayers(),
          config.hiddenSize(),
          config.vocabSize(),
          modelDir,
          options.device(),
          options.baseType());
      return new LlamaModel(modelDir, config, tokenizer, decoder, manager, options);
    } catch (RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      manager.close();
      throw e;
    }
  }

  /** Loads the base model and, when {@code adapterDir} is not null, a PEFT LoRA adapter on top. */
  public static LlamaModel load(Path modelDir, Path adapterDir, ModelOptions options) {
    LlamaModel model = load(modelDir, options);
    if (adapterDir != null) {
      try {
        model.loadAdapter(adapterDir);
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    return model;
  }

  public LlamaConfig config() {
    return config;
  }

  public LlamaTokenizer tokenizer() {
    return tokenizer;
  }

  public LlamaDecoder decoder() {
    return decoder;
  }

  public Device device() {
    return options.device();
  }

  public ModelOptions options() {
    return options;
  }

  public Path modelDir() {
    return modelDir;
  }

  // ---------------------------------------------------------------- forward

  /**
   * Last-layer hidden states (after the final norm) [B, T, H] for {@code inputIds} [B, T] int64 and
   * {@code attentionMask} [B, T] (1 = token, 0 = right padding). {@code training} enables LoRA
   * dropout.
   */
  public NDArray hiddenStates(NDArray inputIds, NDArray attentionMask, boolean training) {
    return decoder
        .forward(new ParameterStore(manager, false), new NDList(inputIds, attentionMask), training)
        .singletonOrThrow();
  }

  /**
   * Last-layer hidden states [M, S, H] of M right-padded suffixes [M, S] that all continue one
   * prefix [1, P]; see {@link LlamaDecoder#forwardPrefixed}.
   */
  public NDArray hiddenStatesPrefixed(
      NDArray prefixIds, NDArray suffixIds, NDArray suffixMask, boolean training) {
    return decoder.forwardPrefixed(
        new ParameterStore(manager, false), prefixIds, suffixIds, suffixMask, training);
  }

  /** LM-head logits [B, T, V] (or [B, V] for hidden [B, H]) in the base precision. */
  public NDArray logits(NDArray hidden) {
    return decoder.logits(new ParameterStore(manager, false), hidden, false);
  }

  /**
   * Sentence embeddings [B, H]: the hidden state at each row's last non-padding token,
   * L2-normalised in float32. Differentiable, so the trainer's contrastive loss can use it
   * directly.
   */
  public static NDArray poolLastToken(NDArray hidden, NDArray attentionMask) {
    long b = hidden.getShape().get(0);
    long h = hidden.getShape().get(2);
    // index of the last token per row: sum(mask) - 1, as [B, 1, H] for gather along T
    NDArray last = attentionMask.toType(DataType.INT64, false).sum(new int[] {1}, true).sub(1);
    NDArray index = last.reshape(b, 1, 1).broadcast(b, 1, h);
    NDArray pooled = Casts.to(hidden.gather(index, 1).reshape(b, h), DataType.FLOAT32);
    NDArray norm = pooled.norm(new int[] {1}, true).maximum(1e-12f);
    return pooled.div(norm);
  }

  /** {@link #hiddenStates} then {@link #poolLastToken}: L2-normalised embeddings [B, H]. */
  public NDArray embeddings(NDArray inputIds, NDArray attentionMask, boolean training) {
    return poolLastToken(hiddenStates(inputIds, attentionMask, training), attentionMask);
  }

  /**
   * A text embedder over this model (micro-batched, length-sorted); closing it leaves the model
   * open.
   */
  public LlamaTextEmbedder embedder(int maxTokens) {
    return new LlamaTextEmbedder(this, maxTokens, LlamaTextEmbedder.DEFAULT_TOKEN_BUDGET, false);
  }

  // ---------------------------------------------------------------- generation

  /**
   * Greedy decoding: appends the arg-max token until {@code maxNewTokens} were produced or a token
   * in {@code stopIds} appears (the stop token is not returned). Returns only the new ids.
   */
  public long[] generateGreedy(long[] prompt, int maxNewTokens, Collection<Long> stopIds) {
    if (prompt.length == 0) {
      throw new IllegalArgumentException("generation needs at least one prompt token (e.g. BOS)");
    }
    if (prompt.length + maxNewTokens > config.maxPositionEmbeddings()) {
      LOG.warn(
          "generating past the model's {} positions (prompt {} + {} new tokens)",
          config.maxPositionEmbeddings(),
          prompt.length,
          maxNewTokens);
    }
    long[] generated = new long[maxNewTokens];
    int count = 0;
    ParameterStore ps = new ParameterStore(manager, false);
    try (NDManager session = manager.newSubManager();
        KvCache cache = new KvCache(config, session)) {
      long[] step = prompt;
      while (count < maxNewTokens) {
        long next;
        try (NDManager scratch = session.newSubManager()) {
          NDArray hidden =
              decoder.forwardCached(ps, scratch.create(step, new Shape(1, step.length)), cache);
          NDArray lastHidden = hidden.get(":, -1, :");
          next =
              decoder
                  .logits(ps, lastHidden, false)
                  .argMax(-1)
                  .toType(DataType.INT64, false)
                  .getLong(0);
        }
        if (stopIds.contains(next)) {
          break;
        }
        generated[count++] = next;
        step = new long[] {next};
      }
    }
    return Arrays.copyOf(generated, count);
  }

  /**
   * Greedy continuation of {@code prompt} (BOS alone when empty), decoded without special tokens.
   * Stops at the config's EOS ids plus {@code extraStopIds}.
   */
  public String generate(String prompt, int maxNewTokens, Collection<Long> extraStopIds) {
    long[] promptIds;
    if (prompt.isEmpty()) {
      if (config.bosTokenId() < 0) {
        throw new IllegalArgumentException(
            "the model has no bos_token_id to start from: give a prompt");
      }
      promptIds = new long[] {config.bosTokenId()};
    } else {
      promptIds = tokenizer.encode(prompt, Integer.MAX_VALUE);
    }
    List<Long> stops = new ArrayList<>(extraStopIds);
    config.eosTokenIds().forEach(id -> stops.add((long) id));
    return tokenizer.decode(generateGreedy(promptIds, maxNewTokens, stops));
  }

  // ---------------------------------------------------------------- LoRA

  /**
   * Adds fresh adapters (A random, B zero) to the projections {@code lora} targets, replacing any
   * present.
   */
  public void addLora(LoraConfig loraConfig, long seed) {
    removeLora();
    adapterManager = manager.newSubManager();
    Random random = new Random(seed);
    for (NamedProjection p : targets(loraConfig)) {
      p.layer().initAdapter(loraConfig, adapterManager, random);
    }
    lora = loraConfig;
  }

  /**
   * Loads a PEFT adapter directory ({@code adapter_config.json} + {@code
   * adapter_model.safetensors}).
   */
  public void loadAdapter(Path adapterDir) {
    LoraConfig loraConfig = LoraConfig.read(adapterDir);
    Safetensors.Header header = Safetensors.readHeader(adapterDir.resolve(ADAPTER_WEIGHTS));
    Set<String> unused = new TreeSet<>(header.tensors().keySet());
    removeLora();
    adapterManager = manager.newSubManager();
    try {
      for (NamedProjection p : targets(loraConfig)) {
        String a = p.peftName() + LORA_A_SUFFIX;
        String b = p.peftName() + LORA_B_SUFFIX;
        p.layer()
            .setAdapter(
                loraConfig,
                Safetensors.load(header, a, adapterManager, DataType.FLOAT32),
                Safetensors.load(header, b, adapterManager, DataType.FLOAT32));
        unused.remove(a);
        unused.remove(b);
      }
      if (!unused.isEmpty()) {
        throw new IllegalArgumentException("tensors this model has no place for: " + unused);
      }
    } catch (RuntimeException e) {
      removeLora();
      throw new IllegalArgumentException(
          "cannot load adapter " + adapterDir + ": " + e.getMessage(), e);
    }
    lora = loraConfig;
    LOG.info(
        "loaded LoRA adapter {} (r={}, alpha={}, targets {})",
        adapterDir,
        loraConfig.rank(),
        loraConfig.alpha(),
        loraConfig.targetModules());
  }

  /** Writes the current adapter in PEFT layout; {@code adapterDir} is created if needed. */
  public void saveAdapter(Path adapterDir) {
    if (lora == null) {
      throw new IllegalStateException("no LoRA adapter to save");
    }
    Map<String, NDArray> tensors = new LinkedHashMap<>();
    adapterParameters().forEach((name, p) -> tensors.put(name, p.getArray()));
    lora.write(adapterDir, modelDir.toString());
    Safetensors.write(adapterDir.resolve(ADAPTER_WEIGHTS), tensors);
  }

  /** Drops the adapter: the model computes with its base weights only. */
  public void removeLora() {
    projections.forEach(p -> p.layer().removeAdapter());
    if (adapterManager != null) {
      adapterManager.close();
      adapterManager = null;
    }
    lora = null;
  }

  /** The current adapter's configuration, or null without one. */
  public LoraConfig lora() {
    return lora;
  }

  /**
   * The adapter's parameters keyed by their PEFT names ({@code
   * base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight}, ...), layer by layer.
   */
  public Map<String, Parameter> adapterParameters() {
    Map<String, Parameter> out = new LinkedHashMap<>();
    for (NamedProjection p : projections) {
      if (p.layer().hasAdapter()) {
        out.put(p.peftName() + LORA_A_SUFFIX, p.layer().loraA());
        out.put(p.peftName() + LORA_B_SUFFIX, p.layer().loraB());
      }
    }
    return out;
  }

  /** What an optimizer should update: the LoRA A and B matrices (float32, requiring gradients). */
  public List<Parameter> trainableParameters() {
    return new ArrayList<>(adapterParameters().values());
  }

  /**
   * Number of base-model weights (the adapter not counted): what size-dependent defaults are picked
   * by.
   */
  public long parameterCount() {
    long count = 0;
    for (Parameter p : decoder.baseParameters().values()) {
      count += p.getArray().getShape().size();
    }
    return count;
  }

  /**
   * Every base and adapter parameter, keyed by its Hugging Face / PEFT name (for tests and
   * diagnostics).
   */
  public Map<String, Parameter> allParameters() {
    Map<String, Parameter> out = decoder.baseParameters();
    out.putAll(adapterParameters());
    return out;
  }

  private List<NamedProjection> targets(LoraConfig loraConfig) {
    List<NamedProjection> out = new ArrayList<>();
    for (NamedProjection p : projections) {
      if (loraConfig.targets(p.projection())) {
        out.add(p);
      }
    }
    return out;
  }

  @Override
  public void close() {
    removeLora();
    tokenizer.close();
    manager.close();
  }
}
