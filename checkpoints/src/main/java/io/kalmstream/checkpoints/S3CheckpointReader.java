package io.kalmstream.checkpoints;

import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Reads checkpoints of an {@link S3CheckpointStore}: the announced URI must name a checkpoint
 * strictly below the configured root (same bucket, the root's prefix followed by more segments;
 * other schemes, buckets and prefixes, and {@code ..} segments are refused before anything is
 * fetched), its completion marker must exist, and the listed files are downloaded into a private
 * cache and checked there against their sha256.
 */
public final class S3CheckpointReader implements CheckpointReader {
  private final S3Client client;
  private final S3Prefix root;
  private final S3Downloads downloads;

  /**
   * @param client closed with the reader
   * @param cache a local directory this process owns; the newest verified copy is kept there
   */
  public S3CheckpointReader(S3Client client, S3Prefix root, Path cache) {
    this.client = client;
    this.root = root;
    this.downloads = new S3Downloads(client, cache);
  }

  @Override
  public Path verifiedDirectory(String uri, Map<String, String> sha256) throws RejectedCheckpoint {
    S3Prefix checkpoint;
    try {
      checkpoint = S3Prefix.parse(uri);
    } catch (IllegalArgumentException e) {
      throw new RejectedCheckpoint(
          "checkpoint URI "
              + uri
              + " is refused: "
              + e.getMessage()
              + " (the store is "
              + root
              + ")");
    }
    if (!root.contains(checkpoint)) {
      throw new RejectedCheckpoint(
          "checkpoint " + checkpoint + " lies outside the checkpoint store root " + root);
    }
    try {
      if (!S3CheckpointStore.isComplete(client, checkpoint)) {
        throw new RejectedCheckpoint(
            "checkpoint "
                + checkpoint
                + " has no completion marker: its upload is incomplete or it was deleted");
      }
    } catch (SdkException e) {
      throw new RejectedCheckpoint(
          "cannot reach the marker of " + checkpoint + ": " + e.getMessage());
    }
    return downloads.fetch(checkpoint, sha256);
  }

  @Override
  public void close() {
    client.close();
  }
}
