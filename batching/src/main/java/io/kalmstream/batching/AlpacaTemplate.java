package io.kalmstream.batching;

import io.kalmstream.schemas.InstructionExample;

/**
 * The Alpaca prompt (Taori et al. 2023) with an input section. The causal LM loss is taken on the
 * response only, so prompt and response are kept apart.
 */
public final class AlpacaTemplate {
  private static final String PREAMBLE =
      "Below is an instruction that describes a task, paired with an input that provides further context. "
          + "Write a response that appropriately completes the request.\n\n";

  private AlpacaTemplate() {}

  /** Everything before the response tokens, ending with "### Response:\n". */
  public static String prompt(InstructionExample example) {
    return PREAMBLE
        + "### Instruction:\n"
        + example.getInstruction()
        + "\n\n"
        + "### Input:\n"
        + example.getInput()
        + "\n\n"
        + "### Response:\n";
  }

  public static String response(InstructionExample example) {
    return example.getResponse();
  }
}
