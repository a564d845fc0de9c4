package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.checkpoints.CheckpointStores;
import io.kalmstream.checkpoints.RejectedCheckpoint;
import io.kalmstream.checkpoints.S3CheckpointStore;
import io.kalmstream.checkpoints.S3Prefix;
import io.kalmstream.checkpoints.S3ProxyServer;
import io.kalmstream.checkpoints.StoredCheckpoint;
import io.kalmstream.schemas.CheckpointPublished;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The scorer's verification of checkpoints announced from an S3 store (a real S3-API server,
 * S3Proxy, in this JVM): the same checks as for a directory, on the copy downloaded into the
 * scorer's own cache.
 */
class S3CheckpointVerifierTest {
  private static S3ProxyServer server;
  private static S3Client client;

  @TempDir Path tmp;

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer();
    client = server.createBucket("kalm");
  }

  @AfterAll
  static void stopServer() throws Exception {
    client.close();
    server.close();
  }

  static CheckpointPublished announce(StoredCheckpoint checkpoint) {
    return CheckpointPublished.newBuilder()
        .setModelName("kalm")
        .setVersion(checkpoint.version())
        .setUri(checkpoint.uri().toString())
        .setFiles(checkpoint.sha256())
        .setBaseModel("b")
        .setCreatedAt(Instant.EPOCH)
        .build();
  }

  private StoredCheckpoint publish(String root, long version) throws Exception {
    try (S3CheckpointStore store =
        new S3CheckpointStore(
            server.settings().newClient(), S3Prefix.parse(root), 5, tmp.resolve("trainer"))) {
      return store.publish(version, dir -> TestModelLoader.writeCheckpoint(dir, version, 0, false));
    }
  }

  private CheckpointVerifier verifier(String root) {
    return new CheckpointVerifier(
        CheckpointStores.reader(
            S3Prefix.parse(root), server.settings(), tmp.resolve("scorer-cache")),
        10);
  }

  @Test
  void verifiesTheDownloadedCopyAndRefusesATamperedObject() throws Exception {
    StoredCheckpoint published = publish("s3://kalm/a", 2);
    CheckpointVerifier verifier = verifier("s3://kalm/a");
    Path dir = verifier.verify(announce(published), 0);
    assertTrue(dir.startsWith(tmp.resolve("scorer-cache").toRealPath()), dir.toString());
    assertEquals(
        TestModelLoader.writeCheckpoint(tmp.resolve("expected"), 2, 0, false), published.sha256());
    assertTrue(Files.isRegularFile(dir.resolve("adapter_model.safetensors")));

    client.putObject(
        b -> b.bucket("kalm").key("a/step-000000000002/adapter_model.safetensors"),
        RequestBody.fromBytes(TestModelLoader.oneTensorSafetensors(99)));
    String refusal =
        assertThrows(RejectedCheckpoint.class, () -> verifier.verify(announce(published), 0))
            .getMessage();
    assertTrue(
        refusal.startsWith("sha256 mismatch for adapter_model.safetensors: announced "), refusal);
  }

  @Test
  void refusesAnnouncementsOutsideTheRoot() throws Exception {
    StoredCheckpoint elsewhere = publish("s3://kalm/b", 3);
    CheckpointVerifier verifier = verifier("s3://kalm/a");
    assertEquals(
        "checkpoint s3://kalm/b/step-000000000003/ lies outside the checkpoint store root"
            + " s3://kalm/a/",
        assertThrows(RejectedCheckpoint.class, () -> verifier.verify(announce(elsewhere), 0))
            .getMessage());
    Path local = tmp.resolve("local");
    CheckpointPublished onDisk =
        CheckpointPublished.newBuilder(announce(elsewhere))
            .setUri(local.toUri().toString())
            .setFiles(TestModelLoader.writeCheckpoint(local, 3, 0, false))
            .build();
    assertTrue(
        assertThrows(RejectedCheckpoint.class, () -> verifier.verify(onDisk, 0))
            .getMessage()
            .contains("not an s3:// URI"));
  }
}
