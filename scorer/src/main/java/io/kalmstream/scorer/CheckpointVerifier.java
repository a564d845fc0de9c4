package io.kalmstream.scorer;

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
 * Checks a checkpoint announcement against the files on disk before anything is loaded: every listed file
 * must lie inside the checkpoint directory and have the announced sha256, and the adapter files the loader
 * reads must be among them.
 */
final class CheckpointVerifier {
  static final List<String> REQUIRED_FILES = List.of("adapter_config.json", "adapter_model.safetensors");

  /** Thrown with a reason a person can act on; the checkpoint is refused. */
  static final class RejectedCheckpoint extends Exception {
    RejectedCheckpoint(String reason) {
      super(reason);
    }
  }

  private CheckpointVerifier() {}

  /** @return the verified checkpoint directory */
  static Path verify(CheckpointPublished checkpoint) throws RejectedCheckpoint {
    Path dir = directoryOf(checkpoint.getUri());
    if (!Files.isDirectory(dir)) {
      throw new RejectedCheckpoint("checkpoint directory " + dir + " does not exist");
    }
    Map<String, String> files = checkpoint.getFiles();
    for (String required : REQUIRED_FILES) {
      if (!files.containsKey(required)) {
        throw new RejectedCheckpoint("announcement lists no sha256 for " + required);
      }
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = dir.resolve(file.getKey()).normalize();
      if (!path.startsWith(dir)) {
        throw new RejectedCheckpoint("file " + file.getKey() + " lies outside the checkpoint directory");
      }
      if (!Files.isRegularFile(path)) {
        throw new RejectedCheckpoint("file " + file.getKey() + " is missing");
      }
      String actual = sha256(path);
      if (!actual.equalsIgnoreCase(file.getValue())) {
        throw new RejectedCheckpoint("sha256 mismatch for " + file.getKey() + ": announced " + file.getValue()
            + ", found " + actual);
      }
    }
    return dir;
  }

  static Path directoryOf(String uri) throws RejectedCheckpoint {
    try {
      URI parsed = URI.create(uri);
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
