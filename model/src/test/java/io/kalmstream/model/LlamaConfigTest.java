package io.kalmstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaConfigTest {

  private static LlamaConfig parse(String json) throws Exception {
    return LlamaConfig.fromJson(new ObjectMapper().readTree(json));
  }

  @Test
  void stories260KConfig() {
    LlamaConfig c = LlamaConfig.load(SharedModels.stories260K());
    assertEquals(64, c.hiddenSize());
    assertEquals(8, c.numHeads());
    assertEquals(4, c.numKvHeads());
    assertEquals(2, c.queriesPerKvHead());
    assertEquals(8, c.headDim());
    assertTrue(c.tieWordEmbeddings());
    assertFalse(c.qkvBias());
    assertEquals(List.of(2), c.eosTokenIds());
    assertEquals(-1, c.padTokenId());
  }

  @Test
  void qwen2HasQkvBiasButNoOutputBias() throws Exception {
    LlamaConfig c =
        parse(
            "{\"model_type\":\"qwen2\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"num_key_value_heads\":1}");
    assertTrue(c.qkvBias());
    assertFalse(c.outputBias());
    assertEquals(4, c.headDim());
    assertFalse(c.tieWordEmbeddings());
    assertEquals(0, c.slidingWindow());
  }

  @Test
  void slidingWindowOnlyWhereTheArchitectureUsesIt() throws Exception {
    String base =
        "\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":2,"
            + "\"num_attention_heads\":2,\"sliding_window\":4096";
    assertEquals(4096, parse("{\"model_type\":\"mistral\"," + base + "}").slidingWindow());
    assertEquals(0, parse("{\"model_type\":\"qwen2\"," + base + "}").slidingWindow());
    assertEquals(
        0,
        parse(
                "{\"model_type\":\"qwen2\",\"use_sliding_window\":true,\"max_window_layers\":2,"
                    + base
                    + "}")
            .slidingWindow());
    assertEquals(
        4096,
        parse(
                "{\"model_type\":\"qwen2\",\"use_sliding_window\":true,\"max_window_layers\":0,"
                    + base
                    + "}")
            .slidingWindow());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            parse(
                "{\"model_type\":\"qwen2\",\"use_sliding_window\":true,"
                    + "\"max_window_layers\":1,"
                    + base
                    + "}"));
  }

  @Test
  void llama3ListsSeveralEosIdsAndScalesRope() throws Exception {
    LlamaConfig c =
        parse(
            "{\"model_type\":\"llama\",\"vocab_size\":10,\"hidden_size\":8,\"intermediate_size\":16,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":2,\"eos_token_id\":[128001,128009],"
                + "\"rope_scaling\":{\"rope_type\":\"llama3\",\"factor\":8.0,\"low_freq_factor\":1.0,"
                + "\"high_freq_factor\":4.0,\"original_max_position_embeddings\":8192}}");
    assertEquals(List.of(128001, 128009), c.eosTokenIds());
    assertEquals("llama3", c.ropeScaling().type());
    assertEquals(2, c.numKvHeads());
  }

  @Test
  void rejectsWhatTheModelCannotRun() {
    assertThrows(
        IllegalArgumentException.class, () -> parse("{\"model_type\":\"gpt2\",\"vocab_size\":1}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            parse(
                "{\"model_type\":\"llama\",\"vocab_size\":10,"
                    + "\"hidden_size\":8,\"intermediate_size\":16,\"num_hidden_layers\":1,\"num_attention_heads\":2,"
                    + "\"rope_scaling\":{\"rope_type\":\"yarn\",\"factor\":4}}"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            parse(
                "{\"model_type\":\"llama\",\"vocab_size\":10,"
                    + "\"hidden_size\":12,\"intermediate_size\":16,\"num_hidden_layers\":1,\"num_attention_heads\":3,"
                    + "\"num_key_value_heads\":2}"));
  }
}
