package io.kalmstream.checkpoints;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the store, or its read side, that a {@link CheckpointLocation} names. */
public final class CheckpointStores {
  private CheckpointStores() {}

  /**
   * @param s3 used only for an {@link S3Prefix}; may be null for a directory
   * @param cache used only for an {@link S3Prefix}: see {@link S3CheckpointStore}
   */
  public static CheckpointStore open(
      CheckpointLocation location, int retained, S3Settings s3, Path cache) throws IOException {
    if (location instanceof S3Prefix p) {
      return new S3CheckpointStore(requireS3(s3, p).newClient(), p, retained, cache);
    }
    return new DirectoryCheckpointStore(((CheckpointLocation.Directory) location).path(), retained);
  }

  /**
   * @param s3 used only for an {@link S3Prefix}; may be null for a directory
   * @param cache used only for an {@link S3Prefix}: see {@link S3CheckpointReader}
   */
  public static CheckpointReader reader(CheckpointLocation root, S3Settings s3, Path cache) {
    if (root instanceof S3Prefix p) {
      return new S3CheckpointReader(requireS3(s3, p).newClient(), p, cache);
    }
    return new DirectoryCheckpointReader(((CheckpointLocation.Directory) root).path());
  }

  private static S3Settings requireS3(S3Settings s3, S3Prefix location) {
    if (s3 == null) {
      throw new IllegalArgumentException("the checkpoint store " + location + " needs S3 settings");
    }
    return s3;
  }
}
