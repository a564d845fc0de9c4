package io.kalmstream.checkpoints;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints as directories {@code <root>/step-<version, 12 digits>}. Each one is written under a
 * hidden staging name, every file and the staging directory are fsynced, and then it is renamed
 * atomically: a directory with a final name is always complete. Staging leftovers from a crash are
 * removed on open. The newest {@code retained} checkpoints are kept, older ones deleted after a
 * publish.
 */
public final class DirectoryCheckpointStore implements CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryCheckpointStore.class);
  private static final Pattern CHECKPOINT_NAME = Pattern.compile("step-(\\d{12,})");
  private static final String STAGING_PREFIX = ".staging-";

  private final Path root;
  private final int retained;

  /**
   * @param retained how many of the newest checkpoints to keep (at least 1); an endless stream
   *     would otherwise fill the disk
   */
  public DirectoryCheckpointStore(Path root, int retained) throws IOException {
    if (retained < 1) {
      throw new IllegalArgumentException("must retain at least one checkpoint, got " + retained);
    }
    this.root = root.toAbsolutePath().normalize();
    this.retained = retained;
    Files.createDirectories(this.root);
    removeStagingLeftovers();
  }

  public Path root() {
    return root;
  }

  public static String directoryName(long version) {
    return String.format("step-%012d", version);
  }

  @Override
  public StoredCheckpoint publish(long version, Contents contents) throws IOException {
    Path target = root.resolve(directoryName(version));
    if (Files.exists(target)) {
      throw new IllegalStateException("checkpoint " + target + " already exists");
    }
    Path staging = root.resolve(STAGING_PREFIX + directoryName(version) + "-" + UUID.randomUUID());
    Files.createDirectory(staging);
    try {
      contents.writeTo(staging);
      var hashes = Sha256.ofTree(staging);
      syncTree(staging);
      try {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
        throw new IOException("cannot rename " + staging + " to " + target + " atomically", e);
      }
      syncDirectory(root);
      LOG.info("checkpoint version={} durable at {} ({} files)", version, target, hashes.size());
      deleteBeyondRetention();
      return new StoredCheckpoint(version, target.toUri(), hashes);
    } finally {
      if (Files.exists(staging)) {
        FileTrees.delete(staging);
      }
    }
  }

  @Override
  public StoredCheckpoint describe(long version) throws IOException {
    Path directory = root.resolve(directoryName(version));
    return new StoredCheckpoint(version, directory.toUri(), Sha256.ofTree(directory));
  }

  @Override
  public Path localDirectory(StoredCheckpoint checkpoint) {
    return Path.of(checkpoint.uri());
  }

  /** Versions of the complete checkpoints, ascending. */
  @Override
  public List<Long> versions() throws IOException {
    List<Long> versions = new ArrayList<>();
    try (Stream<Path> children = Files.list(root)) {
      children.forEach(
          child -> {
            Matcher m = CHECKPOINT_NAME.matcher(child.getFileName().toString());
            if (m.matches() && Files.isDirectory(child)) {
              versions.add(Long.parseLong(m.group(1)));
            }
          });
    }
    versions.sort(Comparator.naturalOrder());
    return versions;
  }

  private void deleteBeyondRetention() throws IOException {
    for (long version : CheckpointStore.beyondRetention(versions(), retained)) {
      FileTrees.delete(root.resolve(directoryName(version)));
      LOG.info("checkpoint version={} deleted (retaining the newest {})", version, retained);
    }
  }

  private void removeStagingLeftovers() throws IOException {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child :
          children.filter(c -> c.getFileName().toString().startsWith(STAGING_PREFIX)).toList()) {
        LOG.warn("removing incomplete checkpoint {} left by an interrupted write", child);
        FileTrees.delete(child);
      }
    }
  }

  private static void syncTree(Path directory) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(directory)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        syncDirectory(path);
      } else {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
          channel.force(true);
        }
      }
    }
  }

  private static void syncDirectory(Path directory) throws IOException {
    // Linux lets a directory be opened read-only and fsynced; it makes the rename itself durable.
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }
}
