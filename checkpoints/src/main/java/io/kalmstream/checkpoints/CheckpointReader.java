package io.kalmstream.checkpoints;

import java.nio.file.Path;
import java.util.Map;

/**
 * The read side of a checkpoint store: turns an announced checkpoint into a local directory that
 * holds exactly the announced bytes. The hashes travel in the same message as the location, so they
 * prove integrity, not origin: origin comes from the store root, which the announced location must
 * lie in.
 */
public interface CheckpointReader extends AutoCloseable {

  /**
   * @param uri where the announcement says the checkpoint lives
   * @param sha256 lower-case hex sha256 of every file, by path relative to the checkpoint
   * @return a local directory holding every listed file with its announced sha256; for a directory
   *     store the checkpoint itself with symlinks resolved, for an object store a private copy
   */
  Path verifiedDirectory(String uri, Map<String, String> sha256) throws RejectedCheckpoint;

  @Override
  default void close() {}
}
