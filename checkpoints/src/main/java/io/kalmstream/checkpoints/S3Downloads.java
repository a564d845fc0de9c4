package io.kalmstream.checkpoints;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Copies checkpoints out of S3 into a cache directory this process owns, and checks every file
 * against its sha256 there: what is verified is the private copy that will be loaded, so an object
 * changed after the check cannot slip in. Only the newest copy is kept; the one before it is
 * deleted once a new one is verified, and a copy that fails verification is deleted at once.
 */
final class S3Downloads {
  private static final Logger LOG = LoggerFactory.getLogger(S3Downloads.class);

  private final S3Client client;
  private final Path cache;
  private Path newest;

  S3Downloads(S3Client client, Path cache) {
    this.client = client;
    this.cache = cache.toAbsolutePath().normalize();
  }

  /**
   * @param checkpoint the checkpoint's prefix; its files are the objects {@code checkpoint/<name>}
   * @return the local copy, symlinks resolved
   */
  synchronized Path fetch(S3Prefix checkpoint, Map<String, String> sha256)
      throws RejectedCheckpoint {
    Path target;
    try {
      Files.createDirectories(cache);
      target = AnnouncedFiles.inside(cache.toRealPath(), checkpoint.name());
      if (Files.exists(target)) {
        FileTrees.delete(target);
      }
      Files.createDirectories(target);
    } catch (IOException e) {
      throw new RejectedCheckpoint(
          "cannot prepare the checkpoint cache " + cache + ": " + e.getMessage());
    }
    try {
      long bytes = 0;
      for (String name : sha256.keySet()) {
        Path file = AnnouncedFiles.inside(target, name);
        Files.createDirectories(file.getParent());
        client.getObject(
            GetObjectRequest.builder()
                .bucket(checkpoint.bucket())
                .key(checkpoint.key(name))
                .build(),
            file);
        bytes += Files.size(file);
      }
      AnnouncedFiles.verify(target, target, sha256);
      LOG.info(
          "checkpoint {} downloaded into {} and verified ({} files, {} bytes)",
          checkpoint,
          target,
          sha256.size(),
          bytes);
    } catch (RejectedCheckpoint | IOException | SdkException e) {
      deleteQuietly(target);
      if (e instanceof RejectedCheckpoint rejected) {
        throw rejected;
      }
      throw new RejectedCheckpoint("cannot download " + checkpoint + ": " + e.getMessage());
    }
    if (newest != null && !newest.equals(target)) {
      deleteQuietly(newest);
    }
    newest = target;
    return target;
  }

  private static void deleteQuietly(Path directory) {
    try {
      FileTrees.delete(directory);
    } catch (IOException e) {
      LOG.warn("cannot delete the cached checkpoint copy {}: {}", directory, e.getMessage());
    }
  }
}
