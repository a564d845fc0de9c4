package io.kalmstream.scorer;

import io.kalmstream.model.Safetensors;
import io.kalmstream.schemas.CheckpointPublished;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Checks a checkpoint announcement before anything of it is recorded or loaded. The hashes travel
 * in the same message as the location, so they prove integrity, not origin: origin comes from the
 * store root, which every file must lie in after symlinks are followed. Besides, the version must
 * be a plausible successor of the newest accepted one, every listed file must have its announced
 * sha256, and the adapter's safetensors header must describe exactly the bytes the file holds.
 */
final class CheckpointVerifier {
  static final List<String> REQUIRED_FILES =
      List.of("adapter_config.json", "adapter_model.safetensors");

  /** Thrown with a reason a person can act on; the checkpoint is refused. */
  static final class RejectedCheckpoint extends Exception {
    RejectedCheckpoint(String reason) {
      super(reason);
    }
  }

  private final Path root;
  private final long maxVersionJump;

  CheckpointVerifier(Path root, long maxVersionJump) {
    this.root = root;
    this.maxVersionJump = maxVersionJump;
  }

  /**
   * @return the checkpoint directory with symlinks resolved, the path the loader must read
   */
  Path verify(CheckpointPublished checkpoint, long newestAccepted) throws RejectedCheckpoint {
    long version = checkpoint.getVersion();
    if (version <= newestAccepted || version - newestAccepted > maxVersionJump) {
      throw new RejectedCheckpoint(
          "version "
              + version
              + " is not a plausible successor of version "
              + newestAccepted
              + " (at most "
              + maxVersionJump
              + " ahead)");
    }
    Path realRoot = realPath(root, "checkpoint store root");
    Path dir = realPath(directoryOf(checkpoint.getUri()), "checkpoint directory");
    if (!dir.startsWith(realRoot)) {
      throw new RejectedCheckpoint(
          "checkpoint directory " + dir + " lies outside the checkpoint store root " + realRoot);
    }
    Map<String, String> files = checkpoint.getFiles();
    for (String required : REQUIRED_FILES) {
      if (!files.containsKey(required)) {
        throw new RejectedCheckpoint("announcement lists no sha256 for " + required);
      }
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path listed = dir.resolve(file.getKey()).normalize();
      if (!listed.startsWith(dir)) {
        throw new RejectedCheckpoint(
            "file " + file.getKey() + " lies outside the checkpoint directory");
      }
      Path path = realPath(listed, "file " + file.getKey());
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
      String actual = sha256(path);
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
    try {
      Safetensors.readHeader(dir.resolve("adapter_model.safetensors"));
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new RejectedCheckpoint(e.getMessage());
    }
    return dir;
  }

  private static Path realPath(Path path, String what) throws RejectedCheckpoint {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new RejectedCheckpoint(what + " " + path + " does not exist or cannot be read");
    }
  }

  static Path directoryOf(String uri) throws RejectedCheckpoint {
    try {
      URI parsed = URI.create(uri);
      if (parsed.getScheme() != null && !"file".equals(parsed.getScheme())) {
        throw new RejectedCheckpoint(
            "unsupported checkpoint URI scheme " + parsed.getScheme() + " in " + uri);
      }
      Path path = parsed.getScheme() == null ? Path.of(uri) : Path.of(parsed);
      return path.toAbsolutePath().normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new RejectedCheckpoint("unsupported checkpoint URI " + uri + ": " + e.getMessage());
    }
  }

  static String sha256(Path file) throws RejectedCheckpoint {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new RejectedCheckpoint("cannot read " + file + ": " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always provides SHA-256", e);
    }
  }
}
