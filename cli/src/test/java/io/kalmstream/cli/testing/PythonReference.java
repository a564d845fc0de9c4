package io.kalmstream.cli.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The plain-PyTorch reference {@code scripts/reference/kalm_reference.py}, run by Debian's {@code
 * /usr/bin/python3} (a python3 earlier on PATH, such as pyenv's, lacks Debian's torch). Each call
 * writes its JSON result to a file in {@code workDir} and returns it parsed.
 */
public final class PythonReference {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final Duration RUN_LIMIT = Duration.ofMinutes(3);
  private static final Duration INSTALL_LIMIT = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path script;
  private final Path workDir;
  private int calls;

  private PythonReference(Path script, Path workDir) {
    this.script = script;
    this.workDir = workDir;
  }

  /**
   * The reference, once {@code /usr/bin/python3} imports torch and numpy: when it does not,
   * scripts/install-test-deps installs them with apt-get; where that is impossible too, the calling
   * test is skipped, saying why.
   */
  public static PythonReference start(Path workDir) throws Exception {
    Path project = Path.of(System.getProperty("kalm.project.dir", ".."));
    Path script = project.resolve("scripts/reference/kalm_reference.py");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException(script + " is missing (kalm.project.dir=" + project + ")");
    }
    String missing = missingModules();
    if (!missing.isEmpty()) {
      Process install =
          new ProcessBuilder(project.resolve("scripts/install-test-deps").toString())
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("install-test-deps.log").toFile())
              .start();
      boolean done = install.waitFor(INSTALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        install.destroyForcibly();
      }
      Assumptions.assumeTrue(
          missingModules().isEmpty(),
          "skipped: "
              + PYTHON
              + " cannot import torch and numpy ("
              + missing
              + ") and scripts/install-test-deps could "
              + "not install python3-torch and python3-numpy with apt-get: "
              + Files.readString(workDir.resolve("install-test-deps.log")).strip());
    }
    return new PythonReference(script, workDir);
  }

  /** Why {@code /usr/bin/python3} cannot import torch and numpy, or "" when it can. */
  private static String missingModules() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      return PYTHON + " does not exist";
    }
    Process check =
        new ProcessBuilder(PYTHON.toString(), "-c", "import torch, numpy")
            .redirectErrorStream(true)
            .start();
    String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return check.waitFor() == 0 ? "" : out.strip();
  }

  /** Embeddings ("embeddings", one row per text) and token ids ("token_ids") of {@code texts}. */
  public JsonNode embed(Path model, Path adapter, List<String> texts, int maxTokens)
      throws Exception {
    Path input = workDir.resolve("texts-" + calls + ".json");
    JSON.writeValue(input.toFile(), texts);
    List<String> args =
        new ArrayList<>(
            List.of(
                "embed",
                "--model",
                model.toString(),
                "--texts",
                input.toString(),
                "--max-tokens",
                Integer.toString(maxTokens)));
    if (adapter != null) {
      args.addAll(List.of("--adapter", adapter.toString()));
    }
    return runForJson(args);
  }

  /** Greedy continuation ("ids", "text") of {@code prompt} ("" for BOS alone). */
  public JsonNode generate(Path model, Path adapter, String prompt, int maxNewTokens)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                prompt,
                "--max-new-tokens",
                Integer.toString(maxNewTokens)));
    if (adapter != null) {
      args.addAll(List.of("--adapter", adapter.toString()));
    }
    return runForJson(args);
  }

  /** A random PEFT adapter (A and B non-zero) for {@code model} in {@code adapterDir}. */
  public void writeAdapter(
      Path model, Path adapterDir, int rank, double alpha, List<String> targets, long seed)
      throws Exception {
    run(
        List.of(
            "write-adapter",
            "--model",
            model.toString(),
            "--out",
            adapterDir.toString(),
            "--r",
            Integer.toString(rank),
            "--alpha",
            Double.toString(alpha),
            "--targets",
            String.join(",", targets),
            "--seed",
            Long.toString(seed)));
  }

  private JsonNode runForJson(List<String> args) throws Exception {
    Path out = workDir.resolve("result-" + calls + ".json");
    List<String> withOut = new ArrayList<>(args);
    withOut.addAll(List.of("--out", out.toString()));
    run(withOut);
    return JSON.readTree(out.toFile());
  }

  private void run(List<String> args) throws IOException, InterruptedException {
    int call = calls++;
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
    command.addAll(args);
    Path stderr = workDir.resolve("python-" + call + ".err");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(workDir.resolve("python-" + call + ".out").toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(RUN_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " did not finish within " + RUN_LIMIT);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + ":\n"
              + Files.readString(stderr, StandardCharsets.UTF_8));
    }
  }
}
