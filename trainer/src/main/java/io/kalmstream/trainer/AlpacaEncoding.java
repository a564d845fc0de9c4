package io.kalmstream.trainer;

import io.kalmstream.batching.AlpacaTemplate;
import io.kalmstream.model.LlamaTokenizer;
import io.kalmstream.model.TokenBatch;
import io.kalmstream.schemas.InstructionExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Instruction examples as token sequences for the causal LM loss: BOS + prompt + response + EOS, cut to
 * {@code maxTokens}, with a mask that marks the response tokens (and the EOS that ends them), the only ones
 * the loss is taken on.
 *
 * @param tokens [B][T] right-padded ids and attention mask
 * @param responseMask [B][T] 1 on the tokens to predict
 * @param responseTokens Σ responseMask
 */
public record AlpacaEncoding(TokenBatch tokens, long[][] responseMask, long responseTokens) {

  public static AlpacaEncoding of(List<InstructionExample> examples, LlamaTokenizer tokenizer, long eosId, int maxTokens) {
    List<long[]> sequences = new ArrayList<>(examples.size());
    List<Integer> promptLengths = new ArrayList<>(examples.size());
    for (InstructionExample example : examples) {
      long[] prompt = tokenizer.encode(AlpacaTemplate.prompt(example), Integer.MAX_VALUE);
      long[] response = tokenizer.encodeContinuation(AlpacaTemplate.response(example));
      long[] sequence = Arrays.copyOf(prompt, prompt.length + response.length + 1);
      System.arraycopy(response, 0, sequence, prompt.length, response.length);
      sequence[sequence.length - 1] = eosId;
      sequences.add(sequence.length > maxTokens ? Arrays.copyOf(sequence, maxTokens) : sequence);
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
}
