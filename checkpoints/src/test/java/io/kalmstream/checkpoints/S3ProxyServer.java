package io.kalmstream.checkpoints;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-API server in this JVM: S3Proxy on a free loopback port over jclouds' in-memory
 * (transient) blob store, checking AWS signatures (v2 or v4) against one fixed key.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "kalm-test-access";
  public static final String SECRET_KEY = "kalm-test-secret";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  public S3ProxyServer() throws Exception {
    context =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(5);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Settings that reach this server, path-style, with its key. */
  public S3Settings settings() {
    return settings(endpoint());
  }

  /** Settings that reach a server of this class at {@code endpoint}, from another process too. */
  public static S3Settings settings(URI endpoint) {
    return new S3Settings(
        endpoint,
        S3Settings.DEFAULT_REGION,
        true,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)));
  }

  /** A new bucket, and a client for it that the caller closes. */
  public S3Client createBucket(String bucket) {
    S3Client client = settings().newClient();
    client.createBucket(b -> b.bucket(bucket));
    return client;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
