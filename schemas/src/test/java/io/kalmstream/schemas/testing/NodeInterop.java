package io.kalmstream.schemas.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Confluent's Node.js schema-registry client, installed with {@code npm ci} from the package.json
 * and lock file in the test resources ({@code node-interop/}) into {@code target/node-interop}, and
 * the {@code interop.js} script that drives it. The install is skipped when the same lock file is
 * already installed there.
 */
public final class NodeInterop {
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "interop.js");
  private static final Duration INSTALL_LIMIT = Duration.ofMinutes(5);
  private static final Duration RUN_LIMIT = Duration.ofSeconds(60);
  private final Path dir;

  private NodeInterop(Path dir) {
    this.dir = dir;
  }

  /** Copies the script and installs the pinned client unless already installed. */
  public static NodeInterop install(Path dir) throws Exception {
    Files.createDirectories(dir);
    for (String name : FILES) {
      try (InputStream in = NodeInterop.class.getResourceAsStream("/node-interop/" + name)) {
        if (in == null) {
          throw new IllegalStateException("test resource node-interop/" + name + " missing");
        }
        Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    String lockHash = sha256(Files.readAllBytes(dir.resolve("package-lock.json")));
    Path marker = dir.resolve("node_modules/.kalm-installed-lock");
    if (!Files.isRegularFile(marker) || !Files.readString(marker).equals(lockHash)) {
      run(
          dir,
          INSTALL_LIMIT,
          "npm",
          "ci",
          "--no-audit",
          "--no-fund",
          "--prefer-offline",
          "--loglevel=error");
      Files.writeString(marker, lockHash);
    }
    return new NodeInterop(dir);
  }

  /** Runs {@code node interop.js args...} and returns its standard output. */
  public String node(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", "interop.js"));
    command.addAll(List.of(args));
    return run(dir, RUN_LIMIT, command.toArray(String[]::new));
  }

  public Path dir() {
    return dir;
  }

  private static String run(Path dir, Duration limit, String... command) throws Exception {
    Path stdout = Files.createTempFile(dir, "out", ".txt");
    Path stderr = Files.createTempFile(dir, "err", ".txt");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(stdout.toFile())
              .redirectError(stderr.toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot run "
              + command[0]
              + " (install Node.js and npm: scripts/install-test-deps): "
              + e.getMessage(),
          e);
    }
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + limit);
      }
      String out = Files.readString(stdout, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ":\n"
                + out
                + Files.readString(stderr, StandardCharsets.UTF_8));
      }
      return out;
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
