package io.kalmstream.checkpoints;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * How to reach an S3 store. Credentials are a provider handed in by the caller (the CLI gives the
 * SDK's default chain: environment, then profile), so nothing here reads the environment.
 *
 * @param endpoint an S3-compatible server (MinIO, Ceph, S3Proxy ...) instead of AWS; null for AWS
 * @param region the signing region (S3-compatible servers mostly accept any)
 * @param pathStyle address buckets as {@code endpoint/bucket/key} instead of {@code
 *     bucket.endpoint/key}, as most S3-compatible servers need
 * @param credentials where the access key comes from
 */
public record S3Settings(
    URI endpoint, String region, boolean pathStyle, AwsCredentialsProvider credentials) {

  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("an S3 region must be set");
    }
    if (endpoint != null
        && (endpoint.getHost() == null
            || !("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())))) {
      throw new IllegalArgumentException(
          "an S3 endpoint is an http:// or https:// URL, got " + endpoint);
    }
    if (credentials == null) {
      throw new IllegalArgumentException("S3 credentials must be given");
    }
  }

  /** A new client over the JDK's HttpURLConnection; the caller closes it. */
  public S3Client newClient() {
    var builder =
        S3Client.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .region(Region.of(region))
            .credentialsProvider(credentials)
            .forcePathStyle(pathStyle);
    if (endpoint != null) {
      // Many S3-compatible servers refuse the CRC trailers the SDK adds by default; integrity is
      // the checkpoint's sha256 manifest either way.
      builder
          .endpointOverride(endpoint)
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    }
    return builder.build();
  }

  /** Never the credentials: they are secret. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + (endpoint == null ? "AWS" : endpoint)
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + "]";
  }
}
