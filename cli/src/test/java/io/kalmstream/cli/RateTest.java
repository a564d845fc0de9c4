package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class RateTest {
  @Test
  void parsesPerSecondPerMinuteAndMax() {
    assertEquals(20.0, Rate.parse("20/s").perSecond());
    assertEquals(20.0, Rate.parse("20").perSecond());
    assertEquals(2.0, Rate.parse("120/min").perSecond());
    assertEquals(0.0, Rate.parse("max").perSecond());
  }

  @Test
  void rejectsWhatIsNotARate() {
    assertThrows(TypeConversionException.class, () -> Rate.parse("fast"));
    assertThrows(TypeConversionException.class, () -> Rate.parse("-3/s"));
  }
}
