package io.kalmstream.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged Apicurio Registry application: found as a Maven artifact in the local repository
 * (the build resolved it as a dependency of this module) and extracted once into a cache directory
 * shared by all runs.
 */
public final class ApicurioDistribution {
  private static final Logger LOG = LoggerFactory.getLogger(ApicurioDistribution.class);
  static final String LAUNCHER = "quarkus-run.jar";
  private static final Pattern LOCAL_REPOSITORY =
      Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>");
  private static final Pattern REPO_LOCAL_OPTION = Pattern.compile("-Dmaven\\.repo\\.local=(\\S+)");

  private ApicurioDistribution() {}

  /**
   * The directory holding {@code quarkus-run.jar}, extracting the archive on first use. The archive
   * or an extracted directory may be named explicitly with {@code -Dkalm.registry.dist} or {@code
   * KALM_REGISTRY_DIST}; otherwise it is looked up in the local Maven repository ({@code
   * -Dmaven.repo.local}, {@code MAVEN_OPTS}, {@code ~/.m2/settings.xml}, then {@code
   * ~/.m2/repository}).
   */
  public static Path installDir() {
    Path explicit = Settings.path("kalm.registry.dist", "KALM_REGISTRY_DIST");
    if (explicit != null && Files.isRegularFile(explicit.resolve(LAUNCHER))) {
      return explicit;
    }
    Path archive = explicit != null ? explicit : archiveInLocalRepository();
    if (!Files.isRegularFile(archive)) {
      throw new IllegalStateException(
          "Apicurio Registry archive not found at "
              + archive
              + "; run `mvn -B -DskipTests package` once so Maven resolves it, or set KALM_REGISTRY_DIST");
    }
    return extractOnce(
        archive,
        CacheDirectory.root().resolve(stripArchiveSuffix(archive.getFileName().toString())));
  }

  static Path archiveInLocalRepository() {
    Properties coordinates = coordinates();
    String version = coordinates.getProperty("apicurio.version");
    String artifactId = coordinates.getProperty("apicurio.artifactId");
    String file =
        artifactId
            + "-"
            + version
            + "-"
            + coordinates.getProperty("apicurio.classifier")
            + "."
            + coordinates.getProperty("apicurio.type");
    Path dir = localRepository();
    for (String part : coordinates.getProperty("apicurio.groupId").split("\\.")) {
      dir = dir.resolve(part);
    }
    return dir.resolve(artifactId).resolve(version).resolve(file);
  }

  static Path localRepository() {
    String property = System.getProperty("maven.repo.local");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String mavenOpts = System.getenv("MAVEN_OPTS");
    if (mavenOpts != null) {
      Matcher m = REPO_LOCAL_OPTION.matcher(mavenOpts);
      if (m.find()) {
        return Path.of(m.group(1));
      }
    }
    Path home = Path.of(System.getProperty("user.home"));
    for (Path settings : List.of(home.resolve(".m2/settings.xml"), mavenHomeSettings())) {
      Path fromSettings = localRepositoryIn(settings);
      if (fromSettings != null) {
        return fromSettings;
      }
    }
    return home.resolve(".m2/repository");
  }

  private static Path mavenHomeSettings() {
    String mavenHome = System.getenv("MAVEN_HOME");
    return Path.of(mavenHome != null ? mavenHome : "/usr/share/maven", "conf", "settings.xml");
  }

  private static Path localRepositoryIn(Path settings) {
    if (!Files.isRegularFile(settings)) {
      return null;
    }
    try {
      String xml = Files.readString(settings).replaceAll("(?s)<!--.*?-->", "");
      Matcher m = LOCAL_REPOSITORY.matcher(xml);
      return m.find()
          ? Path.of(m.group(1).replace("${user.home}", System.getProperty("user.home")))
          : null;
    } catch (IOException e) {
      LOG.warn("Cannot read Maven settings {}: {}", settings, e.toString());
      return null;
    }
  }

  private static Properties coordinates() {
    Properties p = new Properties();
    try (InputStream in =
        ApicurioDistribution.class.getResourceAsStream("/kalm-embedded.properties")) {
      if (in == null) {
        throw new IllegalStateException("kalm-embedded.properties missing from the classpath");
      }
      p.load(in);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String stripArchiveSuffix(String name) {
    return name.replaceFirst("\\.(tar\\.gz|tgz)$", "");
  }

  /**
   * Extracts into a temporary sibling and renames it into place, under a file lock, so concurrent
   * test JVMs never see a half-extracted application.
   */
  private static Path extractOnce(Path archive, Path target) {
    if (Files.isRegularFile(target.resolve(LAUNCHER))) {
      return target;
    }
    try {
      Files.createDirectories(target.getParent());
      try (FileChannel channel =
              FileChannel.open(
                  target.resolveSibling(target.getFileName() + ".lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.isRegularFile(target.resolve(LAUNCHER))) {
          return target;
        }
        Path partial =
            Files.createTempDirectory(target.getParent(), target.getFileName() + ".partial");
        LOG.info("Extracting {} into {}", archive, target);
        untar(archive, partial);
        Path launcherDir = findLauncherDir(partial);
        deleteRecursively(target);
        Files.move(launcherDir, target, StandardCopyOption.ATOMIC_MOVE);
        deleteRecursively(partial);
        return target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract " + archive + " into " + target, e);
    }
  }

  private static void untar(Path archive, Path into) throws IOException {
    Process tar =
        new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    String output =
        new String(tar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    try {
      if (!tar.waitFor(10, TimeUnit.MINUTES) || tar.exitValue() != 0) {
        throw new IOException("tar failed on " + archive + ": " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      tar.destroyForcibly();
      throw new IOException("interrupted while extracting " + archive, e);
    }
  }

  private static Path findLauncherDir(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals(LAUNCHER))
          .map(Path::getParent)
          .min(Comparator.comparingInt(Path::getNameCount))
          .orElseThrow(() -> new IOException(LAUNCHER + " not found in the Apicurio archive"));
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(paths::add);
    }
    paths.sort(Comparator.reverseOrder());
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
