package io.kalmstream.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store and its read side against a real S3-API server (S3Proxy, in this JVM). */
class S3CheckpointStoreTest {
  private static S3ProxyServer server;
  private static int buckets;

  @TempDir Path tmp;
  private String bucket;
  private S3Client client;
  private S3Prefix root;

  @BeforeAll
  static void startServer() throws Exception {
    server = new S3ProxyServer();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @BeforeEach
  void freshBucket() {
    bucket = "kalm-" + ++buckets;
    client = server.createBucket(bucket);
    root = S3Prefix.parse("s3://" + bucket + "/runs/a");
  }

  private S3CheckpointStore store(int retained) {
    return new S3CheckpointStore(server.settings().newClient(), root, retained, tmp.resolve("w"));
  }

  private static CheckpointStore.Contents files(String config, String weights) {
    return dir -> {
      Files.writeString(dir.resolve("adapter_config.json"), config);
      Files.createDirectories(dir.resolve("trainer_state"));
      Files.writeString(dir.resolve("trainer_state/moments.bin"), weights);
    };
  }

  @Test
  void publishLatestAndLocalDirectoryRoundTrip() throws IOException {
    try (S3CheckpointStore writer = store(3)) {
      StoredCheckpoint published = writer.publish(42, files("{\"r\":8}", "moments"));
      assertEquals(URI.create("s3://" + bucket + "/runs/a/step-000000000042/"), published.uri());
      assertEquals(Sha256.ofTree(writeLocally(files("{\"r\":8}", "moments"))), published.sha256());
      assertTrue(
          client
                  .headObject(
                      b -> b.bucket(bucket).key("runs/a/step-000000000042/adapter_config.json"))
                  .contentLength()
              > 0);
    }
    // Another process would open its own store: nothing is shared but the bucket.
    try (S3CheckpointStore reader =
        new S3CheckpointStore(server.settings().newClient(), root, 3, tmp.resolve("r"))) {
      StoredCheckpoint latest = reader.latest().orElseThrow();
      assertEquals(42, latest.version());
      Path local = reader.localDirectory(latest);
      assertTrue(local.startsWith(tmp.resolve("r").toRealPath()), local.toString());
      assertEquals("{\"r\":8}", Files.readString(local.resolve("adapter_config.json")));
      assertEquals("moments", Files.readString(local.resolve("trainer_state/moments.bin")));
      assertEquals(latest.sha256(), Sha256.ofTree(local));
    }
  }

  @Test
  void aCheckpointWithoutItsMarkerIsInvisibleAndRefused() throws Exception {
    try (S3CheckpointStore store = store(3)) {
      StoredCheckpoint complete = store.publish(1, files("{}", "one"));
      // What a crash between the uploads and the marker leaves behind: files, no marker.
      put("runs/a/step-000000000002/adapter_config.json", "{}");
      assertEquals(List.of(1L), store.versions());
      assertEquals(1, store.latest().orElseThrow().version());

      try (CheckpointReader reader = reader()) {
        String refusal =
            assertThrows(
                    RejectedCheckpoint.class,
                    () ->
                        reader.verifiedDirectory(
                            "s3://" + bucket + "/runs/a/step-000000000002/",
                            Map.of(
                                "adapter_config.json",
                                complete.sha256().get("adapter_config.json"))))
                .getMessage();
        assertTrue(refusal.contains("has no completion marker"), refusal);
        assertTrue(
            Files.isRegularFile(
                reader
                    .verifiedDirectory(complete.uri().toString(), complete.sha256())
                    .resolve("adapter_config.json")));
      }
    }
  }

  @Test
  void aTamperedObjectIsRefusedAndItsCopyDeleted() throws Exception {
    StoredCheckpoint published;
    try (S3CheckpointStore store = store(3)) {
      published = store.publish(7, files("{\"r\":8}", "moments"));
    }
    put("runs/a/step-000000000007/trainer_state/moments.bin", "MOMENTS");
    try (CheckpointReader reader = reader()) {
      String refusal =
          assertThrows(
                  RejectedCheckpoint.class,
                  () -> reader.verifiedDirectory(published.uri().toString(), published.sha256()))
              .getMessage();
      assertTrue(
          refusal.startsWith("sha256 mismatch for trainer_state/moments.bin: announced "), refusal);
      assertEquals(List.of(), children(tmp.resolve("cache")), "the refused copy is deleted");
    }
  }

  @Test
  void refusesAnnouncementsOutsideTheRoot() throws Exception {
    StoredCheckpoint published;
    try (S3CheckpointStore store = store(3)) {
      published = store.publish(3, files("{}", "m"));
    }
    Map<String, String> files = published.sha256();
    try (S3CheckpointStore other =
        new S3CheckpointStore(
            server.createBucket("kalm-other"),
            S3Prefix.parse("s3://kalm-other/runs/a"),
            3,
            tmp.resolve("o"))) {
      other.publish(3, files("{}", "m"));
    }
    put("runs/ab/step-000000000003.complete", "{}");
    try (CheckpointReader reader = reader()) {
      for (String uri :
          List.of(
              "s3://kalm-other/runs/a/step-000000000003/",
              "s3://" + bucket + "/runs/ab/step-000000000003/",
              "s3://" + bucket + "/runs/step-000000000003/",
              "s3://" + bucket + "/runs/a/",
              "s3://" + bucket + "/runs/a/../b/step-000000000003/",
              "s3://" + bucket + "/runs/a/%2e%2e/a/step-000000000003/",
              "s3://" + bucket + "/runs/a//step-000000000003/",
              "s3://user@" + bucket + "/runs/a/step-000000000003/",
              "file:///tmp/runs/a/step-000000000003/",
              "https://" + bucket + ".s3.amazonaws.com/runs/a/step-000000000003/",
              "/runs/a/step-000000000003")) {
        String refusal =
            assertThrows(RejectedCheckpoint.class, () -> reader.verifiedDirectory(uri, files), uri)
                .getMessage();
        assertTrue(
            refusal.contains("outside the checkpoint store root") || refusal.contains("refused"),
            uri + ": " + refusal);
      }
      Map<String, String> escaping = Map.of("../../secret", files.get("adapter_config.json"));
      assertEquals(
          "file ../../secret lies outside the checkpoint directory",
          assertThrows(
                  RejectedCheckpoint.class,
                  () -> reader.verifiedDirectory(published.uri().toString(), escaping))
              .getMessage());
      assertTrue(
          Files.isDirectory(reader.verifiedDirectory(published.uri().toString(), files)),
          "the checkpoint itself is accepted");
    }
  }

  @Test
  void keepsOnlyTheNewestRetainedCheckpointsAndRefusesToOverwrite() throws IOException {
    try (S3CheckpointStore store = store(2)) {
      for (long v : new long[] {10, 20, 30}) {
        store.publish(v, dir -> Files.writeString(dir.resolve("v"), Long.toString(v)));
      }
      assertEquals(List.of(20L, 30L), store.versions());
      assertTrue(
          client
              .listObjectsV2(b -> b.bucket(bucket).prefix("runs/a/step-000000000010"))
              .contents()
              .isEmpty(),
          "marker and files of version 10 are deleted");
      assertThrows(IllegalStateException.class, () -> store.publish(30, dir -> {}));
      assertEquals(Optional.of(30L), store.latest().map(StoredCheckpoint::version));
      assertEquals(List.of(), children(tmp.resolve("w")), "no staging directory is left");
    }
  }

  @Test
  void parsesAndNormalizesLocations() {
    assertEquals(new S3Prefix("b-1", "x/y"), S3Prefix.parse("s3://b-1/x/y/"));
    assertEquals(new S3Prefix("b-1", ""), S3Prefix.parse("s3://b-1"));
    assertEquals(
        new S3Prefix("b-1", "x"),
        CheckpointLocation.parse("s3://b-1/x"),
        "a location is chosen by its scheme");
    assertEquals(
        new CheckpointLocation.Directory(Path.of("rel").toAbsolutePath()),
        CheckpointLocation.parse("rel"));
    assertThrows(IllegalArgumentException.class, () -> CheckpointLocation.parse("gs://b/x"));
    assertThrows(IllegalArgumentException.class, () -> S3Prefix.parse("s3://B/x"));
    assertThrows(IllegalArgumentException.class, () -> S3Prefix.parse("s3://b-1/x/../y"));
    assertTrue(new S3Prefix("b-1", "").contains(new S3Prefix("b-1", "x")));
    assertTrue(!new S3Prefix("b-1", "x").contains(new S3Prefix("b-1", "x")));
  }

  private CheckpointReader reader() {
    return new S3CheckpointReader(server.settings().newClient(), root, tmp.resolve("cache"));
  }

  private void put(String key, String content) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
  }

  private Path writeLocally(CheckpointStore.Contents contents) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("expected"));
    contents.writeTo(dir);
    return dir;
  }

  private static List<String> children(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (var list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
