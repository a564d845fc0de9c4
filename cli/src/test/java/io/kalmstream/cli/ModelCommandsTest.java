package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kalm generate} and {@code kalm bench model} on the shared stories260K model. */
class ModelCommandsTest {

  private static final Path MODEL =
      Path.of(System.getProperty("kalm.shared.dir"), "models", "stories260K-hf");

  @BeforeAll
  static void singleEngineThread() {
    // the build machine is small and shared; see model/pom.xml
    EngineEnvironment.setEngineThreads(1);
  }

  @Test
  void generatePrintsOnlyTheGreedyContinuation() {
    KalmRun result = KalmRun.of("generate", "--model", MODEL.toString(), "--max-tokens", "15");
    assertEquals(0, result.exitCode());
    assertEquals("Once upon a time, there was a little girl named Lily.\n", result.stdout());
  }

  @Test
  void generateContinuesAPromptAndStopsAtAStopId() {
    // id 426 is "." in the stories260K vocabulary
    KalmRun result =
        KalmRun.of(
            "generate",
            "--model",
            MODEL.toString(),
            "--prompt",
            "Once upon a time",
            "--max-tokens",
            "50",
            "--stop-id",
            "426");
    assertEquals(0, result.exitCode());
    String text = result.stdout();
    assertTrue(!text.contains(".") && !text.isBlank(), text);
  }

  @Test
  void generateExplainsAMissingModelDirectory(@TempDir Path empty) {
    KalmRun result = KalmRun.of("generate", "--model", empty.toString());
    assertEquals(2, result.exitCode());
    assertEquals("", result.stdout());
  }

  @Test
  void benchModelWritesJsonAndMarkdown(@TempDir Path out) throws Exception {
    KalmRun result =
        KalmRun.of(
            "bench",
            "model",
            "--model",
            MODEL.toString(),
            "--batch",
            "2",
            "--seq-len",
            "16",
            "--seconds",
            "0.05",
            "--matmul-sizes",
            "64",
            "--out",
            out.toString());
    assertEquals(0, result.exitCode());
    assertTrue(result.stdout().contains("| forward |"), result.stdout());
    JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(out.resolve("model.json")));
    assertTrue(json.get("forward").get("tokensPerSecond").asDouble() > 0);
    assertTrue(json.get("forwardBackward").get("flopsPerSecond").asDouble() > 0);
    assertTrue(json.get("peakFlopsPerSecond").asDouble() > 0);
    assertEquals(Files.readString(out.resolve("model.md")), result.stdout());
  }
}
