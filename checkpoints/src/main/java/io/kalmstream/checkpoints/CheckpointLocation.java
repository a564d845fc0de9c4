package io.kalmstream.checkpoints;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a checkpoint store lives, chosen by the form of its name: {@code s3://bucket/prefix} is a
 * prefix in an S3 bucket ({@link S3Prefix}), anything else (a path or a {@code file:} URI) a local
 * or shared directory ({@link Directory}).
 */
public sealed interface CheckpointLocation permits CheckpointLocation.Directory, S3Prefix {

  /** A directory store's root, absolute and normalized. */
  record Directory(Path path) implements CheckpointLocation {
    public Directory {
      path = path.toAbsolutePath().normalize();
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  /**
   * @throws IllegalArgumentException for a URI of another scheme or a malformed s3:// URI
   */
  static CheckpointLocation parse(String text) {
    if (text.startsWith("s3:")) {
      return S3Prefix.parse(text);
    }
    if (text.startsWith("file:")) {
      return new Directory(Path.of(URI.create(text)));
    }
    if (text.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
      throw new IllegalArgumentException(
          "a checkpoint store is a directory, a file: URI or s3://bucket/prefix, not " + text);
    }
    return new Directory(Path.of(text));
  }
}
