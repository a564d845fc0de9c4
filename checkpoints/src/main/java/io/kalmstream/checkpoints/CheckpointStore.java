package io.kalmstream.checkpoints;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where checkpoints live. A checkpoint becomes visible all at once, only after every file is
 * durable, so a reader (the scorer, a restarting trainer) never sees half of one. The directory
 * store is the default; an object store implements the same contract by uploading the staged files
 * and then writing a marker.
 */
public interface CheckpointStore extends AutoCloseable {

  /** Fills a local staging directory with the checkpoint's files. */
  @FunctionalInterface
  interface Contents {
    void writeTo(Path stagingDirectory) throws IOException;
  }

  /**
   * Writes the checkpoint with version {@code version} (the optimizer step), makes it durable and
   * visible, and returns its description with the sha256 of every file.
   *
   * @throws IllegalStateException if that version already exists
   */
  StoredCheckpoint publish(long version, Contents contents) throws IOException;

  /** Versions of the complete checkpoints, ascending. */
  List<Long> versions() throws IOException;

  /** The description of a complete checkpoint, one of {@link #versions()}. */
  StoredCheckpoint describe(long version) throws IOException;

  /** The complete checkpoint with the highest version, if any. */
  default Optional<StoredCheckpoint> latest() throws IOException {
    List<Long> versions = versions();
    if (versions.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(describe(versions.get(versions.size() - 1)));
  }

  /** A local directory holding the checkpoint's files, to read them back. */
  Path localDirectory(StoredCheckpoint checkpoint) throws IOException;

  /** The versions to delete so that only the newest {@code retained} remain, oldest first. */
  static List<Long> beyondRetention(List<Long> versions, int retained) {
    return versions.subList(0, Math.max(0, versions.size() - retained));
  }

  /** Releases the store's connections, if it has any. */
  @Override
  default void close() {}
}
