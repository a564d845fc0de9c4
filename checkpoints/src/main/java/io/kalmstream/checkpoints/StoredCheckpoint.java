package io.kalmstream.checkpoints;

import java.net.URI;
import java.util.Map;

/**
 * A durable checkpoint.
 *
 * @param version the optimizer step it was taken at
 * @param uri where it lives (a file: URI for the directory store)
 * @param sha256 lower-case hex sha256 of every file, by path relative to the checkpoint root
 */
public record StoredCheckpoint(long version, URI uri, Map<String, String> sha256) {
  public StoredCheckpoint {
    sha256 = Map.copyOf(sha256);
  }
}
