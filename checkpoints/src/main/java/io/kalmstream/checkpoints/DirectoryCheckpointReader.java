package io.kalmstream.checkpoints;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads checkpoints of a {@link DirectoryCheckpointStore} in place: the announced directory and
 * every file in it must lie inside the root after symlinks are followed.
 */
public final class DirectoryCheckpointReader implements CheckpointReader {
  private final Path root;

  public DirectoryCheckpointReader(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public Path verifiedDirectory(String uri, Map<String, String> sha256) throws RejectedCheckpoint {
    Path realRoot = AnnouncedFiles.realPath(root, "checkpoint store root");
    Path dir = AnnouncedFiles.realPath(directoryOf(uri), "checkpoint directory");
    if (!dir.startsWith(realRoot)) {
      throw new RejectedCheckpoint(
          "checkpoint directory " + dir + " lies outside the checkpoint store root " + realRoot);
    }
    AnnouncedFiles.verify(dir, realRoot, sha256);
    return dir;
  }

  /** A file: URI or a plain path. */
  static Path directoryOf(String uri) throws RejectedCheckpoint {
    try {
      URI parsed = URI.create(uri);
      if (parsed.getScheme() != null && !"file".equals(parsed.getScheme())) {
        throw new RejectedCheckpoint(
            "unsupported checkpoint URI scheme "
                + parsed.getScheme()
                + " in "
                + uri
                + ": the checkpoint store is a directory");
      }
      Path path = parsed.getScheme() == null ? Path.of(uri) : Path.of(parsed);
      return path.toAbsolutePath().normalize();
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new RejectedCheckpoint("unsupported checkpoint URI " + uri + ": " + e.getMessage());
    }
  }
}
