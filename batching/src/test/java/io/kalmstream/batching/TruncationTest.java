package io.kalmstream.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TruncationTest {

  @Test
  void keepsTheFirstWordsJoinedBySingleSpaces() {
    assertEquals("a b", Truncation.WORDS.truncate("  a \t b\n c  ", 2));
    assertEquals("a b c", Truncation.WORDS.truncate("a  b c", 50));
    assertEquals("", Truncation.WORDS.truncate(" \t ", 5));
    assertEquals("", Truncation.WORDS.truncate("a b", 0));
  }

  /** The scan keeps exactly what splitting on whitespace kept, on texts of every shape. */
  @Test
  void agreesWithARegexSplitOnRandomTexts() {
    Random random = new Random(7);
    String alphabet = "ab c\t\nd  é,";
    for (int t = 0; t < 2_000; t++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      int max = random.nextInt(8);
      String trimmed = text.toString().strip();
      String expected =
          trimmed.isEmpty()
              ? ""
              : String.join(
                  " ", Arrays.stream(trimmed.split("\\s+")).limit(max).toArray(String[]::new));
      assertEquals(expected, Truncation.WORDS.truncate(text.toString(), max), "'" + text + "'");
    }
  }
}
