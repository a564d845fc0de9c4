package io.kalmstream.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A rate given as {@code N/s}, {@code N/min}, a plain number (per second), or {@code max} (no
 * pacing: 0).
 */
record Rate(double perSecond) {
  static final class Converter implements ITypeConverter<Rate> {
    @Override
    public Rate convert(String value) {
      return parse(value);
    }
  }

  static Rate parse(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("max") || s.equals("unlimited")) {
      return new Rate(0);
    }
    double divisor = 1;
    if (s.endsWith("/s")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("/min")) {
      s = s.substring(0, s.length() - 4);
      divisor = 60;
    }
    try {
      double n = Double.parseDouble(s.strip());
      if (!(n >= 0) || Double.isInfinite(n)) {
        throw new NumberFormatException();
      }
      return new Rate(n / divisor);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not a rate: use N/s, N/min, N or max");
    }
  }

  @Override
  public String toString() {
    return perSecond == 0 ? "max" : String.format(Locale.ROOT, "%.3g/s", perSecond);
  }
}
