package io.kalmstream.batching;

import io.kalmstream.schemas.Triple;
import java.util.Locale;

/**
 * Decides, the same way on every run, whether a triple is held out for evaluation. A split named by
 * the producer wins ("train" trains; "dev", "valid", "validation" and "test" are held out);
 * otherwise a stable hash of the triple id and the salt falls below {@code fraction}.
 */
public record HeldOutSplit(double fraction, String salt) implements java.io.Serializable {
  public static final double DEFAULT_FRACTION = 0.05;

  public HeldOutSplit {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("held-out fraction must be in [0, 1], got " + fraction);
    }
  }

  public static HeldOutSplit defaults() {
    return new HeldOutSplit(DEFAULT_FRACTION, "kalm");
  }

  public boolean isHeldOut(Triple triple) {
    String split = triple.getSplit();
    if (split != null) {
      switch (split.toLowerCase(Locale.ROOT)) {
        case "train":
          return false;
        case "dev", "valid", "validation", "test":
          return true;
        default:
          break;
      }
    }
    return isHeldOutByHash(TripleIds.of(triple));
  }

  public boolean isHeldOutByHash(String tripleId) {
    return StableHash.unitOf(StableHash.of(salt + '\u0000' + tripleId)) < fraction;
  }
}
