package io.kalmstream.trainer;

import io.kalmstream.batching.AlpacaTemplate;
import io.kalmstream.model.LlamaTokenizer;
import io.kalmstream.model.TokenBatch;
import io.kalmstream.schemas.InstructionExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Instruction examples as token sequences for the causal LM loss: BOS + prompt + response + EOS, at
 * most {@code maxTokens}, with a mask that marks the response tokens (and the EOS that ends them),
 * the only ones the loss is taken on.
 *
 * <p>When a sequence is too long, the response keeps up to half of the budget and the prompt loses
 * tokens from the end of its input, just before the "### Response:" cue, which is kept: cutting the
 * end of the sequence instead would drop the response, the only part that is learnt from.
 *
 * @param tokens [B][T] right-padded ids and attention mask
 * @param responseMask [B][T] 1 on the tokens to predict
 * @param responseTokens Σ responseMask
 * @param promptLengths [B] tokens before each row's response
 */
public record AlpacaEncoding(
    TokenBatch tokens, long[][] responseMask, long responseTokens, int[] promptLengths) {

  /**
   * The batch cut after the tokens every row shares: {@code prefix} [P] once, and each row's
   * remainder.
   *
   * @param prefix the shared leading ids (BOS, the Alpaca preamble and the instruction)
   * @param suffix [B][S] the rest of each row, right-padded
   * @param responseMask [B][S] the response mask in suffix coordinates
   */
  public record Split(long[] prefix, TokenBatch suffix, long[][] responseMask) {}

  /**
   * The longest run of leading ids that every row shares, short of each row's last prompt token:
   * that token predicts the first response token, so it must stay in the suffix, where the loss is
   * taken.
   */
  public int sharedPrefixLength() {
    long[][] ids = tokens.ids();
    int limit = Integer.MAX_VALUE;
    for (int length : promptLengths) {
      limit = Math.min(limit, length - 1);
    }
    int shared = 0;
    while (shared < limit) {
      long id = ids[0][shared];
      for (long[] row : ids) {
        if (row[shared] != id) {
          return shared;
        }
      }
      shared++;
    }
    return shared;
  }

  /**
   * Cuts every row after its first {@code p} ids (at most {@link #sharedPrefixLength()}), padding
   * with {@code padId}.
   */
  public Split split(int p, long padId) {
    long[][] ids = tokens.ids();
    List<long[]> rest = new ArrayList<>(ids.length);
    for (int b = 0; b < ids.length; b++) {
      rest.add(Arrays.copyOfRange(ids[b], p, tokens.lengths()[b]));
    }
    TokenBatch suffix = TokenBatch.rightPadded(rest, padId);
    long[][] mask = new long[ids.length][suffix.width()];
    for (int b = 0; b < ids.length; b++) {
      System.arraycopy(responseMask[b], p, mask[b], 0, tokens.lengths()[b] - p);
    }
    return new Split(Arrays.copyOf(ids[0], p), suffix, mask);
  }

  /**
   * Prompt tokens kept at its end when the middle is cut: the blank line and the "### Response:"
   * cue.
   */
  private static final int PROMPT_CUE_TOKENS = 12;

  public static AlpacaEncoding of(
      List<InstructionExample> examples, LlamaTokenizer tokenizer, long eosId, int maxTokens) {
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
    int[] prompts = new int[promptLengths.size()];
    for (int b = 0; b < prompts.length; b++) {
      prompts[b] = promptLengths.get(b);
    }
    return new AlpacaEncoding(batch, mask, count, prompts);
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
