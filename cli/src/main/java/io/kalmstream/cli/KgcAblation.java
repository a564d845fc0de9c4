package io.kalmstream.cli;

import java.util.List;

/**
 * The ablations of the KaLM paper as named shortcuts for {@code kalm train} options: each one only
 * adds the trainer's own flags, so an ablation and the same flags written out train exactly the
 * same way.
 */
enum KgcAblation {
  /** λ = 0: the explicit (contrastive) objective alone. */
  NO_INSTRUCTION("no-instruction", List.of("--lambda", "0")),
  /** In-batch false negatives stay in the softmax as negatives. */
  NO_FALSE_NEGATIVE_MASK("no-fn-mask", List.of("--no-false-negative-mask")),
  /** LoRA on q/k/v/o as well as gate/up/down. */
  LORA_ATTENTION_FFN(
      "lora-attn-ffn",
      List.of("--lora-targets", "q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj")),
  /** γ = 0: no additive margin on the positive pairs. */
  MARGIN_0("margin-0", List.of("--margin", "0"));

  final String label;

  @SuppressWarnings("ImmutableEnumChecker") // always List.of(...): immutable
  final List<String> trainArgs;

  KgcAblation(String label, List<String> trainArgs) {
    this.label = label;
    this.trainArgs = trainArgs;
  }

  /** Accepts the label (no-fn-mask) as well as the constant name (NO_FALSE_NEGATIVE_MASK). */
  static KgcAblation parse(String value) {
    for (KgcAblation a : values()) {
      if (a.label.equalsIgnoreCase(value) || a.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown ablation '"
            + value
            + "'; use one of no-instruction, no-fn-mask, "
            + "lora-attn-ffn, margin-0");
  }
}
