package io.kalmstream.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model directory's {@code tokenizer.json} through DJL's Hugging Face tokenizers, with the
 * truncation and padding the model needs done here (the native tokenizer's own truncation/padding
 * is off).
 */
public final class LlamaTokenizer implements AutoCloseable {

  private final HuggingFaceTokenizer tokenizer;
  private final long padId;

  private LlamaTokenizer(HuggingFaceTokenizer tokenizer, long padId) {
    this.tokenizer = tokenizer;
    this.padId = padId;
  }

  /** The tokenizer of a Hugging Face model directory, without loading its weights. */
  public static LlamaTokenizer load(Path modelDir) {
    return load(modelDir, LlamaConfig.load(modelDir));
  }

  public static LlamaTokenizer load(Path modelDir, LlamaConfig config) {
    Path file = modelDir.resolve("tokenizer.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(modelDir + " has no tokenizer.json");
    }
    try {
      HuggingFaceTokenizer tokenizer =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(file)
              .optAddSpecialTokens(true)
              .optTruncation(false)
              .optPadding(false)
              .build();
      long pad =
          config.padTokenId() >= 0
              ? config.padTokenId()
              : config.eosTokenIds().isEmpty() ? 0 : config.eosTokenIds().get(0);
      return new LlamaTokenizer(tokenizer, pad);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + file, e);
    }
  }

  /**
   * Token ids with the tokenizer's special tokens (e.g. BOS), cut to the first {@code maxTokens}.
   */
  public long[] encode(String text, int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    long[] ids = tokenizer.encode(text, true, false).getIds();
    return ids.length > maxTokens ? Arrays.copyOf(ids, maxTokens) : ids;
  }

  /**
   * Token ids without special tokens, for pieces that are appended to an already-started sequence.
   */
  public long[] encodeContinuation(String text) {
    return tokenizer.encode(text, false, false).getIds();
  }

  /**
   * The longest leading part of {@code text} (stripped) that its first {@code maxTokens} tokens
   * cover, cut at a token boundary: DESIGN.md's per-part cut of an entity or relation text. Cutting
   * the text rather than the id sequence lets the caller wrap each part ("[" D_h ", " D_r "]") and
   * still tokenize the whole view at once, the way the scorer tokenizes it, so the wrapper and the
   * relation are never the part that is lost.
   */
  public String truncate(String text, int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
    String stripped = text.strip();
    Encoding encoding = tokenizer.encode(stripped, false, false);
    if (encoding.getIds().length <= maxTokens) {
      return stripped;
    }
    CharSpan[] spans = encoding.getCharTokenSpans();
    // byte-fallback pieces of one character share its span or carry none: take the last token that
    // has one
    for (int i = maxTokens - 1; i >= 0; i--) {
      CharSpan span = spans[i];
      if (span != null && span.getEnd() > 0) {
        return stripped.substring(0, Math.min(span.getEnd(), stripped.length())).strip();
      }
    }
    return "";
  }

  /** Encodes, truncates to {@code maxTokens} each and right-pads. */
  public TokenBatch encodeBatch(List<String> texts, int maxTokens) {
    List<long[]> sequences = new ArrayList<>(texts.size());
    for (String text : texts) {
      sequences.add(encode(text, maxTokens));
    }
    return TokenBatch.rightPadded(sequences, padId);
  }

  /** Text of {@code ids}, special tokens skipped. */
  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  public long padId() {
    return padId;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
