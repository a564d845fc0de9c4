package io.kalmstream.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LoRA hyper-parameters, stored as PEFT's {@code adapter_config.json}.
 *
 * @param rank r, the inner width of A [r, in] and B [out, r]
 * @param alpha the update is scaled by alpha / r (alpha / sqrt(r) with rsLoRA)
 * @param dropout dropout on the adapter's input while training
 * @param targetModules projection names that get an adapter: any of q_proj, k_proj, v_proj, o_proj,
 *     gate_proj, up_proj, down_proj
 * @param useRsLora rank-stabilised scaling, as PEFT's {@code use_rslora}
 */
public record LoraConfig(
    int rank, double alpha, double dropout, List<String> targetModules, boolean useRsLora) {

  public static final List<String> ATTENTION_PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj");
  public static final List<String> MLP_PROJECTIONS = List.of("gate_proj", "up_proj", "down_proj");
  public static final List<String> ALL_PROJECTIONS =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
  public static final String CONFIG_FILE = "adapter_config.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public LoraConfig {
    targetModules = List.copyOf(targetModules);
    if (rank <= 0) {
      throw new IllegalArgumentException("LoRA rank must be positive, got " + rank);
    }
    if (dropout < 0 || dropout >= 1) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
    }
    for (String m : targetModules) {
      if (!ALL_PROJECTIONS.contains(m)) {
        throw new IllegalArgumentException(
            "unknown LoRA target module '" + m + "', expected one of " + ALL_PROJECTIONS);
      }
    }
  }

  /** KaLM's setting: the feed-forward projections, r = 8, alpha = 16, dropout 0.05. */
  public static LoraConfig kalmDefault() {
    return new LoraConfig(8, 16, 0.05, List.of("gate_proj", "up_proj", "down_proj"), false);
  }

  public LoraConfig withDropout(double newDropout) {
    return new LoraConfig(rank, alpha, newDropout, targetModules, useRsLora);
  }

  /** Factor applied to B·A·x. */
  public double scaling() {
    return useRsLora ? alpha / Math.sqrt(rank) : alpha / rank;
  }

  public boolean targets(String projection) {
    return targetModules.contains(projection);
  }

  /** Writes {@code adapter_config.json} with the fields PEFT's {@code LoraConfig} expects. */
  public void write(Path adapterDir, String baseModelName) {
    ObjectNode c = JSON.createObjectNode();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("base_model_name_or_path", baseModelName);
    c.put("r", rank);
    if (alpha == Math.rint(alpha)) {
      c.put("lora_alpha", (long) alpha);
    } else {
      c.put("lora_alpha", alpha);
    }
    c.put("lora_dropout", dropout);
    targetModules.forEach(c.putArray("target_modules")::add);
    c.put("bias", "none");
    c.put("fan_in_fan_out", false);
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.put("use_rslora", useRsLora);
    c.put("use_dora", false);
    c.putNull("modules_to_save");
    c.putNull("layers_to_transform");
    c.putObject("rank_pattern");
    c.putObject("alpha_pattern");
    Path file = adapterDir.resolve(CONFIG_FILE);
    try {
      Files.createDirectories(adapterDir);
      JSON.writeValue(file.toFile(), c);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Reads a PEFT {@code adapter_config.json}; rejects adapter kinds this model cannot apply. */
  public static LoraConfig read(Path adapterDir) {
    Path file = adapterDir.resolve(CONFIG_FILE);
    JsonNode c;
    try {
      c = JSON.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    String type = c.path("peft_type").asText("LORA");
    if (!type.equals("LORA")) {
      throw new IllegalArgumentException(file + ": peft_type " + type + " is not LORA");
    }
    if (c.path("use_dora").asBoolean(false)) {
      throw new IllegalArgumentException(file + ": DoRA adapters are not supported");
    }
    if (c.path("rank_pattern").size() > 0 || c.path("alpha_pattern").size() > 0) {
      throw new IllegalArgumentException(
          file + ": per-module rank_pattern/alpha_pattern are not supported");
    }
    List<String> targets = new ArrayList<>();
    JsonNode t = c.path("target_modules");
    if (t.isArray()) {
      t.forEach(n -> targets.add(n.asText()));
    } else if (t.isTextual()) {
      throw new IllegalArgumentException(
          file + ": target_modules as a regular expression is not supported");
    }
    return new LoraConfig(
        c.path("r").asInt(8),
        c.path("lora_alpha").asDouble(8),
        c.path("lora_dropout").asDouble(0),
        targets,
        c.path("use_rslora").asBoolean(false));
  }
}
