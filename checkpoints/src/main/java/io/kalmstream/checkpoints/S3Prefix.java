package io.kalmstream.checkpoints;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A normalized location in an S3 bucket: {@code s3://bucket/a/b} is bucket {@code bucket}, prefix
 * {@code a/b} (no leading or trailing slash; empty for the whole bucket). Parsing refuses what
 * could make two spellings of one location differ or climb out of a prefix: empty, {@code .} and
 * {@code ..} segments (percent-encoded ones included), a user, port, query or fragment.
 */
public record S3Prefix(String bucket, String prefix) implements CheckpointLocation {
  /** S3's bucket naming rules, loosely: what could be a bucket on S3 or a compatible server. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  public S3Prefix {
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException("not an S3 bucket name: " + bucket);
    }
    for (String segment : segments(prefix)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "S3 prefix " + prefix + " has an empty, '.' or '..' segment");
      }
    }
  }

  /**
   * @throws IllegalArgumentException if {@code uri} is not an {@code s3://bucket[/prefix]} URI
   */
  public static S3Prefix parse(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + uri, e);
    }
    if (!"s3".equals(parsed.getScheme())) {
      throw new IllegalArgumentException("not an s3:// URI: " + uri);
    }
    if (parsed.getHost() == null
        || parsed.getUserInfo() != null
        || parsed.getPort() != -1
        || parsed.getQuery() != null
        || parsed.getFragment() != null) {
      throw new IllegalArgumentException(
          "an s3:// URI is s3://bucket/prefix, without user, port, query or fragment: " + uri);
    }
    String path = parsed.getPath() == null ? "" : parsed.getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return new S3Prefix(parsed.getHost(), path);
  }

  private static List<String> segments(String prefix) {
    return prefix.isEmpty() ? List.of() : List.of(prefix.split("/", -1));
  }

  /** The object key of {@code name} under this prefix. */
  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The location one segment below this one. */
  public S3Prefix child(String segment) {
    return new S3Prefix(bucket, key(segment));
  }

  /** The last segment of the prefix; empty for a whole bucket. */
  public String name() {
    return prefix.substring(prefix.lastIndexOf('/') + 1);
  }

  /** True if {@code other} lies strictly below this location (same bucket, longer prefix). */
  public boolean contains(S3Prefix other) {
    return bucket.equals(other.bucket)
        && (prefix.isEmpty() ? !other.prefix.isEmpty() : other.prefix.startsWith(prefix + "/"));
  }

  /** {@code s3://bucket/prefix/}: the trailing slash says it names a "directory" of objects. */
  public URI toUri() {
    return URI.create("s3://" + bucket + "/" + (prefix.isEmpty() ? "" : prefix + "/"));
  }

  @Override
  public String toString() {
    return toUri().toString();
  }
}
