package io.kalmstream.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagesTest {
  @TempDir Path tmp;

  @Test
  void stopsInReverseOrderAndKeepsGoingWhenOneStopFails() throws Exception {
    List<String> stopped = new ArrayList<>();
    try (Stages stages = new Stages(3)) {
      stages.start("broker", () -> () -> stopped.add("broker"), r -> "");
      stages.start(
          "scorer",
          () ->
              () -> {
                stopped.add("scorer");
                throw new IllegalStateException("boom");
              },
          r -> "");
      stages.start("dashboard", () -> () -> stopped.add("dashboard"), r -> "");
    }
    assertEquals(List.of("dashboard", "scorer", "broker"), stopped);
  }

  @Test
  void cleanDeletesOnlyAWorkDirectoryItCreated() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("not-ours"));
    Files.writeString(foreign.resolve("precious.txt"), "keep me");
    assertThrows(IllegalArgumentException.class, () -> LocalPipeline.clean(foreign));
    assertTrue(Files.exists(foreign.resolve("precious.txt")));

    Path ours = Files.createDirectories(tmp.resolve("work/runtime/kafka"));
    Files.writeString(tmp.resolve("work/.kalm-local"), "marker");
    Files.writeString(ours.resolve("segment.log"), "data");
    LocalPipeline.clean(tmp.resolve("work"));
    assertTrue(Files.notExists(tmp.resolve("work")));
  }
}
