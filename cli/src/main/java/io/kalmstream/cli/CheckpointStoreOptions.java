package io.kalmstream.cli;

import io.kalmstream.checkpoints.CheckpointLocation;
import io.kalmstream.checkpoints.S3Prefix;
import io.kalmstream.checkpoints.S3Settings;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * How a process reaches an {@code s3://bucket/prefix} checkpoint store (kalm train's --out, kalm
 * score's --checkpoint-root). Credentials come from the AWS SDK's default chain: the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), then the profile files
 * (AWS_PROFILE); they are never logged.
 */
final class CheckpointStoreOptions {
  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description =
          "S3-compatible server of an s3:// checkpoint store (MinIO, Ceph, S3Proxy ...), e.g. "
              + "http://minio:9000. Default: $KALM_S3_ENDPOINT, else AWS's endpoint of --s3-region.",
      defaultValue = "${env:KALM_S3_ENDPOINT}")
  URI endpoint;

  @Option(
      names = "--s3-region",
      paramLabel = "REGION",
      defaultValue = "${env:AWS_REGION:-" + S3Settings.DEFAULT_REGION + "}",
      description =
          "Region of an s3:// checkpoint store. Default: $AWS_REGION, else ${DEFAULT-VALUE}.")
  String region;

  @Option(
      names = "--s3-path-style",
      description =
          "Address an s3:// checkpoint store's bucket as ENDPOINT/BUCKET/KEY instead of "
              + "BUCKET.ENDPOINT/KEY, as most S3-compatible servers need.")
  boolean pathStyle;

  @Option(
      names = "--checkpoint-cache",
      paramLabel = "DIR",
      description =
          "Local directory this process owns, where checkpoints of an s3:// store are staged and "
              + "downloaded to be verified and loaded. Default: checkpoint-cache under the scorer's "
              + "--state-dir; .kalm/trainer/checkpoint-cache for kalm train.")
  Path cache;

  /** The S3 settings for {@code location}; null when it is a directory. */
  S3Settings s3For(CheckpointLocation location) {
    if (!(location instanceof S3Prefix)) {
      return null;
    }
    return new S3Settings(
        endpoint, region, pathStyle, DefaultCredentialsProvider.builder().build());
  }

  /** Parses a directory, a file: URI or s3://bucket/prefix. */
  static final class LocationConverter implements ITypeConverter<CheckpointLocation> {
    @Override
    public CheckpointLocation convert(String value) {
      return CheckpointLocation.parse(value);
    }
  }
}
