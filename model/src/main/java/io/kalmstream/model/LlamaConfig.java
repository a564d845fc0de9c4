package io.kalmstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The architecture of a Llama-family decoder, read from a Hugging Face {@code config.json}.
 *
 * <p>Covers Llama 2/3 ({@code model_type} llama, optional {@code llama3} or {@code linear} rope
 * scaling), Mistral (no biases) and Qwen2 (bias on q/k/v, none on o_proj). Fields that a config may
 * omit get the defaults of the corresponding Hugging Face configuration class.
 *
 * @param modelType {@code model_type}: llama, mistral or qwen2
 * @param vocabSize V
 * @param hiddenSize H
 * @param intermediateSize I, width of the SwiGLU feed-forward
 * @param numLayers number of decoder layers
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query attention when fewer than numHeads)
 * @param headDim D, per-head width (config {@code head_dim}, else H / numHeads)
 * @param rmsNormEps epsilon of every RMSNorm
 * @param ropeTheta base of the rotary frequencies
 * @param ropeScaling rotary frequency scaling, {@link RopeScaling#NONE} when absent
 * @param maxPositionEmbeddings longest sequence the model was trained for
 * @param tieWordEmbeddings true when the LM head reuses the token embedding matrix
 * @param qkvBias bias on q_proj, k_proj and v_proj
 * @param outputBias bias on o_proj
 * @param mlpBias bias on gate_proj, up_proj and down_proj
 * @param bosTokenId beginning-of-sequence id, or -1
 * @param eosTokenIds end-of-sequence ids (Llama 3 lists several), possibly empty
 * @param padTokenId padding id, or -1 when the config has none (masked positions are ignored
 *     anyway)
 * @param slidingWindow Mistral-style local attention width (a query sees the last {@code
 *     slidingWindow} positions), 0 for full causal attention; Qwen2 only uses it with {@code
 *     use_sliding_window}
 */
public record LlamaConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double rmsNormEps,
    double ropeTheta,
    RopeScaling ropeScaling,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    int bosTokenId,
    List<Integer> eosTokenIds,
    int padTokenId,
    int slidingWindow) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LlamaConfig {
    eosTokenIds = List.copyOf(eosTokenIds);
    if (numHeads % numKvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads "
              + numHeads
              + " is not a multiple of num_key_value_heads "
              + numKvHeads);
    }
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException(
          "head_dim must be even for rotary embeddings, got " + headDim);
    }
  }

  /** Width of the concatenated query heads, numHeads * headDim. */
  public int queryWidth() {
    return numHeads * headDim;
  }

  /** Width of the concatenated key (or value) heads, numKvHeads * headDim. */
  public int kvWidth() {
    return numKvHeads * headDim;
  }

  /** Query heads that share one key/value head. */
  public int queriesPerKvHead() {
    return numHeads / numKvHeads;
  }

  /** Reads {@code config.json} from a Hugging Face model directory. */
  public static LlamaConfig load(Path modelDir) {
    Path file = modelDir.resolve("config.json");
    try {
      return fromJson(JSON.readTree(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  public static LlamaConfig fromJson(JsonNode c) {
    String type = c.path("model_type").asText("llama").toLowerCase(Locale.ROOT);
    boolean qwen2 = type.equals("qwen2");
    if (!type.equals("llama") && !type.equals("mistral") && !qwen2) {
      throw new IllegalArgumentException(
          "unsupported model_type '" + type + "' (llama, mistral, qwen2)");
    }
    String act = c.path("hidden_act").asText("silu");
    if (!act.equals("silu")) {
      throw new IllegalArgumentException(
          "unsupported hidden_act '" + act + "' (SwiGLU needs silu)");
    }
    int hidden = required(c, "hidden_size");
    int heads = required(c, "num_attention_heads");
    int kvHeads =
        c.path("num_key_value_heads").isNumber() ? c.get("num_key_value_heads").asInt() : heads;
    int headDim = c.path("head_dim").isNumber() ? c.get("head_dim").asInt() : hidden / heads;
    boolean attentionBias = c.path("attention_bias").asBoolean(false);
    return new LlamaConfig(
        type,
        required(c, "vocab_size"),
        hidden,
        required(c, "intermediate_size"),
        required(c, "num_hidden_layers"),
        heads,
        kvHeads,
        headDim,
        c.path("rms_norm_eps").asDouble(1e-6),
        c.path("rope_theta").asDouble(10000.0),
        RopeScaling.fromJson(c.path("rope_scaling")),
        c.path("max_position_embeddings").asInt(2048),
        c.path("tie_word_embeddings").asBoolean(false),
        qwen2 || attentionBias,
        !qwen2 && attentionBias,
        c.path("mlp_bias").asBoolean(false),
        c.path("bos_token_id").isNumber() ? c.get("bos_token_id").asInt() : -1,
        intList(c.path("eos_token_id")),
        c.path("pad_token_id").isNumber() ? c.get("pad_token_id").asInt() : -1,
        slidingWindow(c, qwen2));
  }

  private static int slidingWindow(JsonNode c, boolean qwen2) {
    JsonNode window = c.path("sliding_window");
    boolean used = qwen2 ? c.path("use_sliding_window").asBoolean(false) : window.isNumber();
    if (!used || !window.isNumber()) {
      return 0;
    }
    if (qwen2) {
      // Hugging Face's Qwen2 uses the window on layers i >= max_window_layers only
      int firstWindowLayer = c.path("max_window_layers").asInt(0);
      if (firstWindowLayer >= c.path("num_hidden_layers").asInt()) {
        return 0;
      }
      if (firstWindowLayer > 0) {
        throw new IllegalArgumentException(
            "a sliding window on only some layers (max_window_layers "
                + firstWindowLayer
                + ") is not supported");
      }
    }
    return window.asInt();
  }

  private static int required(JsonNode c, String field) {
    JsonNode v = c.get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException("config.json lacks numeric '" + field + "'");
    }
    return v.asInt();
  }

  private static List<Integer> intList(JsonNode node) {
    List<Integer> out = new ArrayList<>();
    if (node.isNumber()) {
      out.add(node.asInt());
    } else if (node.isArray()) {
      node.forEach(n -> out.add(n.asInt()));
    }
    return out;
  }

  /**
   * Rotary frequency scaling ({@code rope_scaling}). {@code llama3} is Llama 3.1's
   * frequency-dependent wavelength scaling; {@code linear} divides every frequency by {@code
   * factor}.
   */
  public record RopeScaling(
      String type,
      double factor,
      double lowFreqFactor,
      double highFreqFactor,
      int originalMaxPositions) {
    public static final RopeScaling NONE = new RopeScaling("default", 1, 1, 1, 0);

    static RopeScaling fromJson(JsonNode s) {
      if (s == null || s.isNull() || s.isMissingNode()) {
        return NONE;
      }
      String type =
          s.has("rope_type") ? s.get("rope_type").asText() : s.path("type").asText("default");
      switch (type) {
        case "default":
          return NONE;
        case "linear":
          return new RopeScaling(type, s.path("factor").asDouble(1), 1, 1, 0);
        case "llama3":
          return new RopeScaling(
              type,
              s.path("factor").asDouble(8),
              s.path("low_freq_factor").asDouble(1),
              s.path("high_freq_factor").asDouble(4),
              s.path("original_max_position_embeddings").asInt(8192));
        default:
          throw new IllegalArgumentException(
              "unsupported rope_scaling type '" + type + "' (linear, llama3)");
      }
    }

    /**
     * Applies this scaling to the unscaled inverse frequencies, as Hugging Face's rope init
     * functions do.
     */
    double[] apply(double[] invFreq) {
      double[] out = invFreq.clone();
      if (type.equals("linear")) {
        for (int i = 0; i < out.length; i++) {
          out[i] /= factor;
        }
      } else if (type.equals("llama3")) {
        double lowFreqWavelen = originalMaxPositions / lowFreqFactor;
        double highFreqWavelen = originalMaxPositions / highFreqFactor;
        for (int i = 0; i < out.length; i++) {
          double wavelen = 2 * Math.PI / invFreq[i];
          if (wavelen > lowFreqWavelen) {
            out[i] = invFreq[i] / factor;
          } else if (wavelen >= highFreqWavelen) {
            double smooth =
                (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            out[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
          }
        }
      }
      return out;
    }
  }
}
