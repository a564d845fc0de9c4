package io.kalmstream.checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Checks that a local checkpoint directory holds the announced files, byte for byte. */
final class AnnouncedFiles {
  private AnnouncedFiles() {}

  /**
   * @param dir the checkpoint directory, symlinks resolved
   * @param realRoot what no file may leave, symlinks resolved
   */
  static void verify(Path dir, Path realRoot, Map<String, String> sha256)
      throws RejectedCheckpoint {
    for (Map.Entry<String, String> file : sha256.entrySet()) {
      Path path = realPath(inside(dir, file.getKey()), "file " + file.getKey());
      if (!path.startsWith(realRoot)) {
        throw new RejectedCheckpoint(
            "file "
                + file.getKey()
                + " is a symlink that leaves the checkpoint store root "
                + realRoot);
      }
      if (!Files.isRegularFile(path)) {
        throw new RejectedCheckpoint("file " + file.getKey() + " is not a regular file");
      }
      String actual;
      try {
        actual = Sha256.ofFile(path);
      } catch (IOException e) {
        throw new RejectedCheckpoint("cannot read " + path + ": " + e.getMessage());
      }
      if (!actual.equalsIgnoreCase(file.getValue())) {
        throw new RejectedCheckpoint(
            "sha256 mismatch for "
                + file.getKey()
                + ": announced "
                + file.getValue()
                + ", found "
                + actual);
      }
    }
  }

  /** Where a listed file lies in {@code dir}; a name that climbs out of it is refused. */
  static Path inside(Path dir, String name) throws RejectedCheckpoint {
    Path listed = dir.resolve(name).normalize();
    if (!listed.startsWith(dir) || listed.equals(dir)) {
      throw new RejectedCheckpoint("file " + name + " lies outside the checkpoint directory");
    }
    return listed;
  }

  static Path realPath(Path path, String what) throws RejectedCheckpoint {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new RejectedCheckpoint(what + " " + path + " does not exist or cannot be read");
    }
  }
}
