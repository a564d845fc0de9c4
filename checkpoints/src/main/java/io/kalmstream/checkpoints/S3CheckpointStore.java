package io.kalmstream.checkpoints;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checkpoints as objects {@code <root>/step-<version, 12 digits>/<file>} in an S3 bucket, for
 * processes on several machines. S3 has no atomic rename, so completeness is a marker: every file
 * is uploaded first and the marker object {@code <root>/step-<version>.complete}, which holds the
 * version and the sha256 of every file, last. Only a checkpoint with its marker exists for {@link
 * #latest()}, which lists markers; files of an interrupted upload stay invisible and are
 * overwritten when that version is published again. Retention deletes a checkpoint's marker before
 * its files.
 */
public final class S3CheckpointStore implements CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3CheckpointStore.class);
  static final String MARKER_SUFFIX = ".complete";
  private static final Pattern MARKER_NAME =
      Pattern.compile("step-(\\d{12,})" + Pattern.quote(MARKER_SUFFIX));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The marker's content. */
  record Manifest(long version, Map<String, String> sha256) {}

  private final S3Client client;
  private final S3Prefix root;
  private final int retained;
  private final Path cache;
  private final S3Downloads downloads;

  /**
   * @param client closed with the store
   * @param retained how many of the newest checkpoints to keep (at least 1)
   * @param cache a local directory this process owns: checkpoints are staged there before upload
   *     and downloaded there to be read
   */
  public S3CheckpointStore(S3Client client, S3Prefix root, int retained, Path cache) {
    if (retained < 1) {
      throw new IllegalArgumentException("must retain at least one checkpoint, got " + retained);
    }
    this.client = client;
    this.root = root;
    this.retained = retained;
    this.cache = cache.toAbsolutePath().normalize();
    this.downloads = new S3Downloads(client, this.cache);
  }

  public S3Prefix root() {
    return root;
  }

  /** Where the checkpoint of {@code version} lives under {@code root}. */
  public static S3Prefix checkpointPrefix(S3Prefix root, long version) {
    return root.child(DirectoryCheckpointStore.directoryName(version));
  }

  /** The completion marker of the checkpoint at {@code checkpoint}. */
  static String markerKey(S3Prefix checkpoint) {
    return checkpoint.prefix() + MARKER_SUFFIX;
  }

  @Override
  public StoredCheckpoint publish(long version, Contents contents) throws IOException {
    S3Prefix checkpoint = checkpointPrefix(root, version);
    if (isComplete(client, checkpoint)) {
      throw new IllegalStateException("checkpoint " + checkpoint + " already exists");
    }
    Files.createDirectories(cache);
    Path staging = cache.resolve(".staging-" + checkpoint.name() + "-" + UUID.randomUUID());
    Files.createDirectory(staging);
    try {
      contents.writeTo(staging);
      Map<String, String> hashes = Sha256.ofTree(staging);
      for (String name : hashes.keySet()) {
        client.putObject(
            PutObjectRequest.builder().bucket(root.bucket()).key(checkpoint.key(name)).build(),
            RequestBody.fromFile(staging.resolve(name)));
      }
      client.putObject(
          PutObjectRequest.builder()
              .bucket(root.bucket())
              .key(markerKey(checkpoint))
              .contentType("application/json")
              .build(),
          RequestBody.fromBytes(JSON.writeValueAsBytes(new Manifest(version, hashes))));
      LOG.info(
          "checkpoint version={} durable at {} ({} files)", version, checkpoint, hashes.size());
      deleteBeyondRetention();
      return new StoredCheckpoint(version, checkpoint.toUri(), hashes);
    } catch (SdkException e) {
      throw new IOException("cannot upload checkpoint " + checkpoint + ": " + e.getMessage(), e);
    } finally {
      FileTrees.delete(staging);
    }
  }

  @Override
  public StoredCheckpoint describe(long version) throws IOException {
    S3Prefix checkpoint = checkpointPrefix(root, version);
    Manifest manifest;
    try {
      manifest =
          JSON.readValue(
              client
                  .getObjectAsBytes(b -> b.bucket(root.bucket()).key(markerKey(checkpoint)))
                  .asByteArray(),
              Manifest.class);
    } catch (SdkException e) {
      throw new IOException("cannot read the marker of " + checkpoint + ": " + e.getMessage(), e);
    }
    return new StoredCheckpoint(manifest.version(), checkpoint.toUri(), manifest.sha256());
  }

  /** Downloads the checkpoint into the cache and checks every file against its sha256. */
  @Override
  public Path localDirectory(StoredCheckpoint checkpoint) throws IOException {
    try {
      return downloads.fetch(S3Prefix.parse(checkpoint.uri().toString()), checkpoint.sha256());
    } catch (RejectedCheckpoint e) {
      throw new IOException(
          "checkpoint " + checkpoint.uri() + " cannot be read: " + e.getMessage());
    }
  }

  /** Versions of the complete checkpoints (those with a marker), ascending. */
  @Override
  public List<Long> versions() throws IOException {
    List<Long> versions = new ArrayList<>();
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(
                  ListObjectsV2Request.builder()
                      .bucket(root.bucket())
                      .prefix(root.key(""))
                      .delimiter("/")
                      .build())
              .contents()) {
        Matcher m = MARKER_NAME.matcher(object.key().substring(root.key("").length()));
        if (m.matches()) {
          versions.add(Long.parseLong(m.group(1)));
        }
      }
    } catch (SdkException e) {
      throw new IOException("cannot list the checkpoints in " + root + ": " + e.getMessage(), e);
    }
    versions.sort(Comparator.naturalOrder());
    return versions;
  }

  private void deleteBeyondRetention() throws IOException {
    for (long version : CheckpointStore.beyondRetention(versions(), retained)) {
      S3Prefix old = checkpointPrefix(root, version);
      client.deleteObject(
          DeleteObjectRequest.builder().bucket(old.bucket()).key(markerKey(old)).build());
      for (S3Object object :
          client
              .listObjectsV2Paginator(
                  ListObjectsV2Request.builder().bucket(old.bucket()).prefix(old.key("")).build())
              .contents()) {
        client.deleteObject(
            DeleteObjectRequest.builder().bucket(old.bucket()).key(object.key()).build());
      }
      LOG.info(
          "checkpoint version={} deleted from {} (retaining the newest {})",
          version,
          root,
          retained);
    }
  }

  /** Whether the checkpoint at {@code checkpoint} has its completion marker. */
  static boolean isComplete(S3Client client, S3Prefix checkpoint) {
    try {
      client.headObject(
          HeadObjectRequest.builder()
              .bucket(checkpoint.bucket())
              .key(markerKey(checkpoint))
              .build());
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
