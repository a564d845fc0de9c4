package io.kalmstream.batching;

/**
 * Cuts a text to at most {@code maxTokens} tokens. Batching cannot see the model's tokenizer, so
 * the trainer passes one built on it; {@link #WORDS} is the default where no tokenizer is at hand
 * (the Flink job).
 */
@FunctionalInterface
public interface Truncation {

  String truncate(String text, int maxTokens);

  /**
   * Keeps the first {@code maxTokens} whitespace-separated words, joined by single spaces. Every
   * word is at least one sub-word token, so this keeps at least as much text as a tokenizer-based
   * cut would; for English glosses a Llama tokenizer spends about 1.3 tokens per word, so 50 words
   * come to roughly 65 tokens. The trainer re-cuts with the real tokenizer when it has one.
   */
  Truncation WORDS =
      (text, maxTokens) -> {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
          return trimmed;
        }
        String[] words = trimmed.split("\\s+");
        if (words.length <= maxTokens) {
          return String.join(" ", words);
        }
        return String.join(" ", java.util.Arrays.copyOf(words, maxTokens));
      };
}
