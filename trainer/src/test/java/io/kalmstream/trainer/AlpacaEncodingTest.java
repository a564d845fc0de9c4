package io.kalmstream.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.AlpacaTemplate;
import io.kalmstream.batching.Examples;
import io.kalmstream.model.LlamaModel;
import io.kalmstream.model.LlamaTokenizer;
import io.kalmstream.model.LoraConfig;
import io.kalmstream.schemas.InstructionExample;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlpacaEncodingTest {

  private static final long EOS = 2;

  @Test
  void masksExactlyTheResponseAndItsEos() {
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 1)) {
      LlamaTokenizer tokenizer = model.tokenizer();
      InstructionExample example =
          example("[dog, a domestic animal, hypernym]", "{canine, a mammal}");
      AlpacaEncoding encoding = AlpacaEncoding.of(List.of(example), tokenizer, EOS, 256);
      long[] prompt = tokenizer.encode(AlpacaTemplate.prompt(example), Integer.MAX_VALUE);
      long[] response = tokenizer.encodeContinuation(example.getResponse());
      long[] ids = encoding.tokens().ids()[0];
      assertEquals(prompt.length + response.length + 1, encoding.tokens().lengths()[0]);
      assertArrayEquals(prompt, Arrays.copyOf(ids, prompt.length));
      assertEquals(EOS, ids[prompt.length + response.length]);
      assertEquals(response.length + 1, encoding.responseTokens());
      for (int t = 0; t < ids.length; t++) {
        assertEquals(t >= prompt.length ? 1 : 0, encoding.responseMask()[0][t], "position " + t);
      }
    }
  }

  @Test
  void aTooLongExampleLosesPromptTokensNotItsResponse() {
    try (LlamaModel model = Fixtures.modelWithAdapter(LoraConfig.kalmDefault(), 1)) {
      String longInput = "[" + "a very long gloss with many words ".repeat(30) + ", hypernym]";
      InstructionExample example = example(longInput, "{canine}");
      AlpacaEncoding encoding = AlpacaEncoding.of(List.of(example), model.tokenizer(), EOS, 128);
      long[] response = model.tokenizer().encodeContinuation("{canine}");
      assertEquals(128, encoding.tokens().lengths()[0]);
      assertEquals(response.length + 1, encoding.responseTokens());
      long[] prompt = model.tokenizer().encode(AlpacaTemplate.prompt(example), Integer.MAX_VALUE);
      long[] ids = encoding.tokens().ids()[0];
      int promptKept = 128 - response.length - 1;
      // the "### Response:" cue at the end of the prompt survives the cut
      assertArrayEquals(
          Arrays.copyOfRange(prompt, prompt.length - 12, prompt.length),
          Arrays.copyOfRange(ids, promptKept - 12, promptKept));
      assertTrue(prompt.length > promptKept);
    }
  }

  private static InstructionExample example(String input, String response) {
    return InstructionExample.newBuilder()
        .setInstruction(Examples.INSTRUCTION)
        .setInput(input)
        .setResponse(response)
        .setHead("h")
        .setRelation("r")
        .setTail("t")
        .build();
  }
}
