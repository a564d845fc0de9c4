package io.kalmstream.trainer;

import io.kalmstream.batching.AlpacaTemplate;
import io.kalmstream.model.LlamaTokenizer;
import io.kalmstream.model.TokenBatch;
import io.kalmstream.schemas.InstructionExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Instruction examples as token sequences for the causal LM loss: BOS + prompt + response + EOS, at most
 * {@code maxTokens}, with a mask that marks the response tokens (and the EOS that ends them), the only ones
 * the loss is taken on.
 *
 * <p>When a sequence is too long, the response keeps up to half of the budget and the prompt loses tokens
 * from the end of its input, just before the "### Response:" cue, which is kept: cutting the end of the
 * sequence instead would drop the response, the only part that is learnt from.
 *
 * @param tokens [B][T] right-padded ids and attention mask
 * @param responseMask [B][T] 1 on the tokens to predict
 * @param responseTokens Σ responseMask
 */
public record AlpacaEncoding(TokenBatch tokens, long[][] responseMask, long responseTokens) {

  /** Prompt tokens kept at its end when the middle is cut: the blank line and the "### Response:" cue. */
  private static final int PROMPT_CUE_TOKENS = 12;

  public static AlpacaEncoding of(List<InstructionExample> examples, LlamaTokenizer tokenizer, long eosId, int maxTokens) {
    List<long[]> sequences = new ArrayList<>(examples.size());
    List<Integer> promptLengths = new ArrayList<>(examples.size());
    for (InstructionExample example : examples) {
      long[] prompt = tokenizer.encode(AlpacaTemplate.prompt(example), Integer.MAX_VALUE);
      long[] responseText = tokenizer.encodeContinuation(AlpacaTemplate.response(example));
      long[] response = Arrays.copyOf(responseText, responseText.length + 1);
      response[response.length - 1] = eosId;
      if (prompt.length + response.length > maxTokens) {
        response = Arrays.copyOf(response, Math.min(response.length, maxTokens / 2));
        prompt = cutMiddle(prompt, maxTokens - response.length);
      }
      long[] sequence = Arrays.copyOf(prompt, prompt.length + response.length);
      System.arraycopy(response, 0, sequence, prompt.length, response.length);
      sequences.add(sequence);
      promptLengths.add(prompt.length);
    }
    TokenBatch batch = TokenBatch.rightPadded(sequences, tokenizer.padId());
    long[][] mask = new long[batch.size()][batch.width()];
    long count = 0;
    for (int b = 0; b < batch.size(); b++) {
      for (int t = promptLengths.get(b); t < batch.lengths()[b]; t++) {
        mask[b][t] = 1;
        count++;
      }
    }
    return new AlpacaEncoding(batch, mask, count);
  }

  /** The first {@code length − cue} tokens and the last {@code cue} tokens of {@code prompt}. */
  static long[] cutMiddle(long[] prompt, int length) {
    if (prompt.length <= length) {
      return prompt;
    }
    int cue = Math.min(PROMPT_CUE_TOKENS, length / 2);
    long[] cut = Arrays.copyOf(prompt, length);
    System.arraycopy(prompt, prompt.length - cue, cut, length - cue, cue);
    return cut;
  }
}
