package io.kalmstream.embedded;

import java.nio.file.Path;

/**
 * The one cache directory of kalm-stream, kept between runs: {@code -Dkalm.cache.dir}, else {@code
 * KALM_CACHE_DIR}, else {@code ~/.cache/kalm}. The extracted registry and the entity embeddings of
 * {@code kalm eval} live under it.
 */
public final class CacheDirectory {
  private CacheDirectory() {}

  public static Path root() {
    Path explicit = Settings.path("kalm.cache.dir", "KALM_CACHE_DIR");
    return explicit != null ? explicit : Path.of(System.getProperty("user.home"), ".cache", "kalm");
  }
}
