package io.kalmstream.scorer;

import io.kalmstream.checkpoints.CheckpointReader;
import io.kalmstream.checkpoints.RejectedCheckpoint;
import io.kalmstream.model.Safetensors;
import io.kalmstream.schemas.CheckpointPublished;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Checks a checkpoint announcement before anything of it is recorded or loaded: the version must be
 * a plausible successor of the newest accepted one, the adapter files must be listed, the store's
 * {@link CheckpointReader} must find every listed file inside the store root with its announced
 * sha256 (for an object store, in the private copy it downloaded), and the adapter's safetensors
 * header must describe exactly the bytes the file holds.
 */
final class CheckpointVerifier {
  static final List<String> REQUIRED_FILES =
      List.of("adapter_config.json", "adapter_model.safetensors");

  private final CheckpointReader store;
  private final long maxVersionJump;

  CheckpointVerifier(CheckpointReader store, long maxVersionJump) {
    this.store = store;
    this.maxVersionJump = maxVersionJump;
  }

  /**
   * @return the local checkpoint directory with symlinks resolved, the path the loader must read
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
    Map<String, String> files = checkpoint.getFiles();
    for (String required : REQUIRED_FILES) {
      if (!files.containsKey(required)) {
        throw new RejectedCheckpoint("announcement lists no sha256 for " + required);
      }
    }
    Path dir = store.verifiedDirectory(checkpoint.getUri(), files);
    try {
      Safetensors.readHeader(dir.resolve("adapter_model.safetensors"));
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw new RejectedCheckpoint(e.getMessage());
    }
    return dir;
  }
}
