package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Architectures the stories260K oracle does not exercise (Qwen2 q/k/v bias, untied LM head,
 * explicit head_dim, grouped and multi-query attention, llama3 and linear rope scaling, o_proj and
 * MLP biases, Mistral's sliding window, LoRA on every projection), checked against a plain
 * double-precision re-implementation of the Hugging Face forward pass on random weights.
 */
class ReferenceForwardTest {

  private static final int VOCAB = 512;
  private static final int HIDDEN = 32;
  private static final int INTER = 40;
  private static final int LAYERS = 2;
  private static final int HEADS = 4;
  private static final int HEAD_DIM = 12;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"qwen2", "llama3", "mistral-mqa"})
  void logitsMatchReferenceImplementation(String variant) throws Exception {
    ObjectNode config = config(variant);
    Path modelDir = dir.resolve("model");
    Files.createDirectories(modelDir);
    Files.writeString(modelDir.resolve("config.json"), config.toString());
    Files.copy(
        SharedModels.stories260K().resolve("tokenizer.json"), modelDir.resolve("tokenizer.json"));
    LlamaConfig c = LlamaConfig.fromJson(config);
    Random random = new Random(variant.hashCode());
    Map<String, float[][]> weights = randomWeights(c, random);
    Path adapterDir = dir.resolve("adapter");
    Map<String, float[][]> lora = randomAdapter(c, random);
    LoraConfig loraConfig = new LoraConfig(4, 8, 0.0, LoraConfig.ALL_PROJECTIONS, false);

    try (NDManager manager = NDManager.newBaseManager()) {
      Safetensors.write(modelDir.resolve("model.safetensors"), toArrays(manager, weights));
      loraConfig.write(adapterDir, "random");
      Safetensors.write(adapterDir.resolve("adapter_model.safetensors"), toArrays(manager, lora));
    }

    long[][] sequences = {{1, 300, 301, 302, 303, 304, 305}, {1, 400, 401}};
    try (LlamaModel model = LlamaModel.load(modelDir, adapterDir, ModelOptions.auto());
        NDManager scope = NDManager.newBaseManager()) {
      TokenBatch batch = TokenBatch.rightPadded(List.of(sequences), 0);
      NDList inputs = batch.toNDList(scope);
      NDArray logits = model.logits(model.hiddenStates(inputs.get(0), inputs.get(1), false));
      Reference reference = new Reference(c, weights, lora, loraConfig.scaling());
      for (int row = 0; row < sequences.length; row++) {
        double[][] expected = reference.logits(sequences[row]);
        float[] actual = logits.get(row).toFloatArray();
        for (int t = 0; t < sequences[row].length; t++) {
          for (int v = 0; v < VOCAB; v++) {
            double e = expected[t][v];
            double a = actual[t * VOCAB + v];
            assertTrue(
                Math.abs(e - a) <= 1e-4 * Math.max(1, Math.abs(e)),
                variant
                    + " row "
                    + row
                    + " pos "
                    + t
                    + " vocab "
                    + v
                    + ": "
                    + a
                    + " vs reference "
                    + e);
          }
        }
      }
      assertEquals(VOCAB, logits.getShape().get(2));
    }
  }

  private static ObjectNode config(String variant) {
    ObjectNode c = JSON.createObjectNode();
    c.put("vocab_size", VOCAB);
    c.put("hidden_size", HIDDEN);
    c.put("intermediate_size", INTER);
    c.put("num_hidden_layers", LAYERS);
    c.put("num_attention_heads", HEADS);
    c.put("head_dim", HEAD_DIM);
    c.put("rms_norm_eps", 1e-6);
    c.put("hidden_act", "silu");
    c.put("bos_token_id", 1);
    c.put("eos_token_id", 2);
    switch (variant) {
      case "qwen2":
        c.put("model_type", "qwen2");
        c.put("num_key_value_heads", 2);
        c.put("rope_theta", 1000000.0);
        c.put("tie_word_embeddings", false);
        break;
      case "llama3":
        c.put("model_type", "llama");
        c.put("num_key_value_heads", 2);
        c.put("rope_theta", 500000.0);
        c.put("tie_word_embeddings", true);
        c.put("attention_bias", true);
        c.put("mlp_bias", true);
        ObjectNode scaling = c.putObject("rope_scaling");
        scaling.put("rope_type", "llama3");
        scaling.put("factor", 8.0);
        scaling.put("low_freq_factor", 1.0);
        scaling.put("high_freq_factor", 4.0);
        scaling.put("original_max_position_embeddings", 4);
        break;
      case "mistral-mqa":
        c.put("model_type", "mistral");
        c.put("num_key_value_heads", 1);
        c.put("sliding_window", 3);
        c.put("rope_theta", 10000.0);
        c.put("tie_word_embeddings", false);
        c.putObject("rope_scaling").put("type", "linear").put("factor", 2.0);
        break;
      default:
        throw new IllegalArgumentException(variant);
    }
    return c;
  }

  private static Map<String, float[][]> randomWeights(LlamaConfig c, Random r) {
    Map<String, float[][]> w = new LinkedHashMap<>();
    w.put("model.embed_tokens.weight", random(r, VOCAB, HIDDEN, 1));
    for (int i = 0; i < LAYERS; i++) {
      String p = "model.layers." + i + ".";
      w.put(p + "input_layernorm.weight", offsetOnes(random(r, 1, HIDDEN, 0.2)));
      w.put(p + "post_attention_layernorm.weight", offsetOnes(random(r, 1, HIDDEN, 0.2)));
      for (String proj : LoraConfig.ALL_PROJECTIONS) {
        String name =
            p + (LoraConfig.MLP_PROJECTIONS.contains(proj) ? "mlp." : "self_attn.") + proj;
        int in = ModelFlops.inWidth(c, proj);
        int out = ModelFlops.outWidth(c, proj);
        w.put(name + ".weight", random(r, out, in, 1 / Math.sqrt(in)));
        if (hasBias(c, proj)) {
          w.put(name + ".bias", random(r, 1, out, 0.1));
        }
      }
    }
    w.put("model.norm.weight", offsetOnes(random(r, 1, HIDDEN, 0.2)));
    if (!c.tieWordEmbeddings()) {
      w.put("lm_head.weight", random(r, VOCAB, HIDDEN, 0.2));
    }
    return w;
  }

  private static Map<String, float[][]> randomAdapter(LlamaConfig c, Random r) {
    Map<String, float[][]> w = new LinkedHashMap<>();
    for (int i = 0; i < LAYERS; i++) {
      for (String proj : LoraConfig.ALL_PROJECTIONS) {
        String name =
            "base_model.model.model.layers."
                + i
                + "."
                + (LoraConfig.MLP_PROJECTIONS.contains(proj) ? "mlp." : "self_attn.")
                + proj;
        w.put(name + ".lora_A.weight", random(r, 4, ModelFlops.inWidth(c, proj), 0.1));
        w.put(name + ".lora_B.weight", random(r, ModelFlops.outWidth(c, proj), 4, 0.1));
      }
    }
    return w;
  }

  static boolean hasBias(LlamaConfig c, String proj) {
    if (LoraConfig.MLP_PROJECTIONS.contains(proj)) {
      return c.mlpBias();
    }
    return proj.equals("o_proj") ? c.outputBias() : c.qkvBias();
  }

  private static float[][] random(Random r, int rows, int cols, double scale) {
    float[][] m = new float[rows][cols];
    for (float[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = (float) (r.nextGaussian() * scale);
      }
    }
    return m;
  }

  private static float[][] offsetOnes(float[][] m) {
    for (int j = 0; j < m[0].length; j++) {
      m[0][j] += 1;
    }
    return m;
  }

  /** Matrices as arrays; single-row entries (norm gains, biases) become vectors. */
  private static Map<String, NDArray> toArrays(NDManager manager, Map<String, float[][]> weights) {
    Map<String, NDArray> out = new HashMap<>();
    weights.forEach(
        (name, m) -> {
          boolean vector = name.endsWith("norm.weight") || name.endsWith(".bias");
          float[] flat = new float[m.length * m[0].length];
          for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
          }
          out.put(
              name,
              manager.create(
                  flat, vector ? new Shape(m[0].length) : new Shape(m.length, m[0].length)));
        });
    return out;
  }

  /**
   * The Hugging Face LlamaForCausalLM / Qwen2 / Mistral forward for one unpadded sequence, in
   * doubles.
   */
  private static final class Reference {
    private final LlamaConfig c;
    private final Map<String, float[][]> w;
    private final Map<String, float[][]> lora;
    private final double loraScaling;

    Reference(
        LlamaConfig c, Map<String, float[][]> w, Map<String, float[][]> lora, double loraScaling) {
      this.c = c;
      this.w = w;
      this.lora = lora;
      this.loraScaling = loraScaling;
    }

    double[][] logits(long[] ids) {
      int t = ids.length;
      double[][] x = new double[t][];
      for (int i = 0; i < t; i++) {
        x[i] = toDouble(w.get("model.embed_tokens.weight")[(int) ids[i]]);
      }
      for (int layer = 0; layer < LAYERS; layer++) {
        String p = "model.layers." + layer + ".";
        double[][] attnOut = attention(layer, norm(x, p + "input_layernorm.weight"));
        for (int i = 0; i < t; i++) {
          x[i] = add(x[i], attnOut[i]);
        }
        double[][] h = norm(x, p + "post_attention_layernorm.weight");
        for (int i = 0; i < t; i++) {
          double[] gate = linear(layer, "mlp.gate_proj", h[i]);
          double[] up = linear(layer, "mlp.up_proj", h[i]);
          double[] act = new double[gate.length];
          for (int j = 0; j < act.length; j++) {
            act[j] = gate[j] / (1 + Math.exp(-gate[j])) * up[j];
          }
          x[i] = add(x[i], linear(layer, "mlp.down_proj", act));
        }
      }
      double[][] out = norm(x, "model.norm.weight");
      float[][] head = w.getOrDefault("lm_head.weight", w.get("model.embed_tokens.weight"));
      double[][] logits = new double[t][];
      for (int i = 0; i < t; i++) {
        logits[i] = matVec(head, out[i]);
      }
      return logits;
    }

    private double[][] attention(int layer, double[][] x) {
      int t = x.length;
      int groups = c.numHeads() / c.numKvHeads();
      double[][] q = new double[t][];
      double[][] k = new double[t][];
      double[][] v = new double[t][];
      for (int i = 0; i < t; i++) {
        q[i] = rope(linear(layer, "self_attn.q_proj", x[i]), i, c.numHeads());
        k[i] = rope(linear(layer, "self_attn.k_proj", x[i]), i, c.numKvHeads());
        v[i] = linear(layer, "self_attn.v_proj", x[i]);
      }
      double[][] context = new double[t][c.numHeads() * HEAD_DIM];
      for (int head = 0; head < c.numHeads(); head++) {
        int kvHead = head / groups;
        for (int i = 0; i < t; i++) {
          int first = c.slidingWindow() > 0 ? Math.max(0, i - c.slidingWindow() + 1) : 0;
          double[] scores = new double[i + 1];
          double max = Double.NEGATIVE_INFINITY;
          for (int j = first; j <= i; j++) {
            double s = 0;
            for (int d = 0; d < HEAD_DIM; d++) {
              s += q[i][head * HEAD_DIM + d] * k[j][kvHead * HEAD_DIM + d];
            }
            scores[j] = s / Math.sqrt(HEAD_DIM);
            max = Math.max(max, scores[j]);
          }
          double sum = 0;
          for (int j = first; j <= i; j++) {
            scores[j] = Math.exp(scores[j] - max);
            sum += scores[j];
          }
          for (int j = first; j <= i; j++) {
            for (int d = 0; d < HEAD_DIM; d++) {
              context[i][head * HEAD_DIM + d] += scores[j] / sum * v[j][kvHead * HEAD_DIM + d];
            }
          }
        }
      }
      double[][] out = new double[t][];
      for (int i = 0; i < t; i++) {
        out[i] = linear(layer, "self_attn.o_proj", context[i]);
      }
      return out;
    }

    /** rotate_half rotary embedding of every head in {@code x} at {@code position}. */
    private double[] rope(double[] x, int position, int heads) {
      double[] out = x.clone();
      int half = HEAD_DIM / 2;
      for (int head = 0; head < heads; head++) {
        for (int i = 0; i < half; i++) {
          double angle = position * inverseFrequency(i);
          double a = x[head * HEAD_DIM + i];
          double b = x[head * HEAD_DIM + i + half];
          out[head * HEAD_DIM + i] = a * Math.cos(angle) - b * Math.sin(angle);
          out[head * HEAD_DIM + i + half] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
      return out;
    }

    private double inverseFrequency(int i) {
      double inv = 1 / Math.pow(c.ropeTheta(), 2.0 * i / HEAD_DIM);
      LlamaConfig.RopeScaling s = c.ropeScaling();
      if (s.type().equals("linear")) {
        return inv / s.factor();
      }
      if (s.type().equals("llama3")) {
        double wavelen = 2 * Math.PI / inv;
        double lowWavelen = s.originalMaxPositions() / s.lowFreqFactor();
        double highWavelen = s.originalMaxPositions() / s.highFreqFactor();
        if (wavelen < highWavelen) {
          return inv;
        }
        if (wavelen > lowWavelen) {
          return inv / s.factor();
        }
        double smooth =
            (s.originalMaxPositions() / wavelen - s.lowFreqFactor())
                / (s.highFreqFactor() - s.lowFreqFactor());
        return (1 - smooth) * inv / s.factor() + smooth * inv;
      }
      return inv;
    }

    private double[] linear(int layer, String module, double[] x) {
      String name = "model.layers." + layer + "." + module;
      double[] y = matVec(w.get(name + ".weight"), x);
      if (w.containsKey(name + ".bias")) {
        y = add(y, toDouble(w.get(name + ".bias")[0]));
      }
      String peft = "base_model.model." + name;
      double[] ax = matVec(lora.get(peft + ".lora_A.weight"), x);
      double[] bax = matVec(lora.get(peft + ".lora_B.weight"), ax);
      for (int i = 0; i < y.length; i++) {
        y[i] += loraScaling * bax[i];
      }
      return y;
    }

    private double[][] norm(double[][] x, String weight) {
      double[] g = toDouble(w.get(weight)[0]);
      double[][] out = new double[x.length][];
      for (int i = 0; i < x.length; i++) {
        double ms = 0;
        for (double v : x[i]) {
          ms += v * v;
        }
        double inv = 1 / Math.sqrt(ms / x[i].length + c.rmsNormEps());
        out[i] = new double[x[i].length];
        for (int j = 0; j < x[i].length; j++) {
          out[i][j] = x[i][j] * inv * g[j];
        }
      }
      return out;
    }

    private static double[] matVec(float[][] m, double[] x) {
      double[] y = new double[m.length];
      for (int i = 0; i < m.length; i++) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
          s += m[i][j] * x[j];
        }
        y[i] = s;
      }
      return y;
    }

    private static double[] add(double[] a, double[] b) {
      double[] out = new double[a.length];
      for (int i = 0; i < a.length; i++) {
        out[i] = a[i] + b[i];
      }
      return out;
    }

    private static double[] toDouble(float[] v) {
      double[] out = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i];
      }
      return out;
    }
  }
}
