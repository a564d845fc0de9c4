package io.kalmstream.checkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryCheckpointStoreTest {

  @TempDir Path root;

  @Test
  void publishesCompleteCheckpointsWithTheSha256OfEveryFile() throws IOException {
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(root, 3);
    StoredCheckpoint published =
        store.publish(
            7,
            dir -> {
              Files.writeString(dir.resolve("adapter_config.json"), "{}");
              Files.createDirectories(dir.resolve("nested"));
              Files.writeString(dir.resolve("nested/a.txt"), "abc");
            });
    assertEquals(7, published.version());
    Path directory = store.localDirectory(published);
    assertEquals(root.resolve("step-000000000007"), directory);
    // sha256("abc") and sha256("{}") from the standard test vectors / coreutils.
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        published.sha256().get("nested/a.txt"));
    assertEquals(
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        published.sha256().get("adapter_config.json"));
    assertEquals(published, store.latest().orElseThrow());
  }

  @Test
  void aFailedWriteLeavesNothingVisible() throws IOException {
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(root, 3);
    store.publish(1, dir -> Files.writeString(dir.resolve("x"), "one"));
    assertThrows(
        IOException.class,
        () ->
            store.publish(
                2,
                dir -> {
                  Files.writeString(dir.resolve("x"), "half");
                  throw new IOException("disk full");
                }));
    assertEquals(1, store.latest().orElseThrow().version());
    assertEquals(List.of("step-000000000001"), children());
  }

  @Test
  void removesStagingLeftoversOfACrashOnOpen() throws IOException {
    Files.createDirectories(root.resolve(".staging-step-000000000009-dead"));
    Files.writeString(
        root.resolve(".staging-step-000000000009-dead/x"), "partial", StandardCharsets.UTF_8);
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(root, 3);
    assertTrue(store.latest().isEmpty());
    assertEquals(List.of(), children());
  }

  @Test
  void keepsOnlyTheNewestRetainedCheckpointsAndRefusesToOverwrite() throws IOException {
    DirectoryCheckpointStore store = new DirectoryCheckpointStore(root, 2);
    for (long v : new long[] {10, 20, 30}) {
      store.publish(v, dir -> Files.writeString(dir.resolve("v"), Long.toString(v)));
    }
    assertEquals(List.of(20L, 30L), store.versions());
    assertThrows(IllegalStateException.class, () -> store.publish(30, dir -> {}));
    assertEquals("30", Files.readString(root.resolve("step-000000000030/v")));
  }

  private List<String> children() throws IOException {
    try (Stream<Path> list = Files.list(root)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
