package io.kalmstream.batching;

import java.nio.charset.StandardCharsets;

/**
 * Hashes that are the same on every JVM and every run, so the held-out split and the replay
 * sampling are reproducible (String.hashCode is stable too, but 32 bits are too few for a uniform
 * fraction).
 */
public final class StableHash {
  private StableHash() {}

  /** FNV-1a over the UTF-8 bytes, finished with the SplitMix64 mixer for good low bits. */
  public static long of(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= (b & 0xff);
      hash *= 0x100000001b3L;
    }
    return mix(hash);
  }

  /** SplitMix64 finaliser: a bijection on longs with full avalanche. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The i-th value of a reproducible stream seeded by {@code seed}, uniform in [0, 1). */
  public static double unit(long seed, long i) {
    return unitOf(mix(seed + 0x9e3779b97f4a7c15L * (i + 1)));
  }

  /** Maps a 64-bit hash to [0, 1) using its top 53 bits. */
  public static double unitOf(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
