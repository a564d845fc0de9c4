package io.kalmstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.InstructionExample;
import io.kalmstream.schemas.RelationDescription;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TextViewsTest {
  private final EntityDescription dog = new EntityDescription("d", "dog", "a domestic canine");
  private final EntityDescription tail = new EntityDescription("t", "tail", "");
  private final RelationDescription hasPart = new RelationDescription("_has_part", "has part", "");

  @Test
  void buildsTheBracketedViewsOfDesign() {
    List<ContrastivePair> pairs = new Examples(TextViews.defaults()).pairs(dog, hasPart, tail);
    ContrastivePair forward = pairs.get(0);
    assertEquals("[dog, a domestic canine, has part]", forward.getHeadRelationText());
    assertEquals("{tail}", forward.getTailText());
    assertEquals("_has_part", forward.getRelation());
    assertFalse(forward.getInverse());

    ContrastivePair inverse = pairs.get(1);
    assertEquals("t", inverse.getHead());
    assertEquals("inverse _has_part", inverse.getRelation());
    assertEquals("d", inverse.getTail());
    assertEquals("[tail, inverse has part]", inverse.getHeadRelationText());
    assertEquals("{dog, a domestic canine}", inverse.getTailText());
    assertTrue(inverse.getInverse());
    assertEquals("d\t_has_part\tt", Examples.sourceTripleId(inverse));
    assertEquals("d\t_has_part\tt", Examples.sourceTripleId(forward));
  }

  @Test
  void truncatesEachPartSeparately() {
    String sixty = IntStream.range(0, 60).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    String fifty = IntStream.range(0, 50).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    TextViews views = TextViews.defaults();
    assertEquals("[" + fifty + ", " + fifty + "]", views.headRelation(sixty, sixty));
    assertEquals("{" + fifty + "}", views.tail(sixty));
    TextViews firstCharacters =
        new TextViews((text, max) -> text.substring(0, Math.min(max, text.length())), 3);
    assertEquals("[abc, xyz]", firstCharacters.headRelation("abcdef", "xyzw"));
    assertEquals("a b", Truncation.WORDS.truncate("  a \t b  ", 5));
  }

  @Test
  void instructionExampleUsesTheDesignInstructionAndAlpacaLayout() {
    ContrastivePair forward = new Examples(TextViews.defaults()).pairs(dog, hasPart, tail).get(0);
    InstructionExample example = Examples.instruction(forward);
    assertEquals(
        "Given the head entity and relation, write a tail entity that completes the triple",
        example.getInstruction());
    assertEquals(forward.getHeadRelationText(), example.getInput());
    assertEquals("{tail}", example.getResponse());
    String prompt = AlpacaTemplate.prompt(example);
    assertTrue(
        prompt.endsWith("### Input:\n[dog, a domestic canine, has part]\n\n### Response:\n"),
        prompt);
    assertTrue(prompt.contains("### Instruction:\n" + Examples.INSTRUCTION + "\n\n"));
  }

  @Test
  void textLimitsRejectEmptyAndOversizedText() {
    TextLimits limits = new TextLimits(10);
    assertTrue(limits.problem("entity", "e", " ", "").orElseThrow().contains("empty"));
    assertTrue(
        limits.problem("entity", "e", "abcdef", "ghijkl").orElseThrow().contains("oversized"));
    assertTrue(limits.problem("entity", "e", "abc", "def").isEmpty());
  }

  @Test
  void textLimitsRejectControlCharactersAndOversizedIds() {
    TextLimits limits = TextLimits.defaults();
    assertEquals(
        "entity e text has control character U+0007 at 4",
        limits.problem("entity", "e", "bell\u0007", "x").orElseThrow());
    assertTrue(
        limits.problem("entity", "e", "two\nlines", "a\ttab").isEmpty(),
        "line breaks and tabs are text");
    assertEquals(
        "entity id 'ab' has control character U+0000 at 2",
        limits.problem("entity", "ab\u0000c", "n", "d").orElseThrow());
    assertEquals(
        "triple part id is oversized: 513 chars > 512",
        TextLimits.idProblem("triple part", "x".repeat(513)).orElseThrow());
    assertTrue(TextLimits.idProblem("relation", "/film/film/genre").isEmpty());
  }
}
