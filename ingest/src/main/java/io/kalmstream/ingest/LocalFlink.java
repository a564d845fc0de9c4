package io.kalmstream.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;

/**
 * Flink settings for running the job on a local MiniCluster ({@code kalm ingest}, {@code kalm
 * local}, the tests): exactly-once checkpoints kept in a directory and retained on cancellation, so
 * the next start resumes from the newest one.
 */
public final class LocalFlink {
  private static final String LOOPBACK = "127.0.0.1";

  private LocalFlink() {}

  public static Configuration configuration(
      IngestConfig config, Path checkpointDir, int parallelism, Optional<Path> restoreFrom) {
    Configuration flink = job(config, checkpointDir, parallelism, restoreFrom);
    // A MiniCluster serves only this machine: its REST endpoint, blob server and RPC stay on
    // loopback.
    flink.set(RestOptions.BIND_ADDRESS, LOOPBACK);
    flink.set(RestOptions.ADDRESS, LOOPBACK);
    flink.set(JobManagerOptions.BIND_HOST, LOOPBACK);
    flink.set(JobManagerOptions.ADDRESS, LOOPBACK);
    flink.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
    flink.set(TaskManagerOptions.HOST, LOOPBACK);
    return flink;
  }

  /**
   * The job's own settings, the same on a MiniCluster and on a cluster it is submitted to:
   * parallelism, exactly-once checkpoints in {@code checkpointDir} (a directory every TaskManager
   * reaches) retained on cancellation, and the checkpoint to restore.
   */
  public static Configuration job(
      IngestConfig config, Path checkpointDir, int parallelism, Optional<Path> restoreFrom) {
    Configuration flink = new Configuration();
    flink.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, config.checkpointInterval());
    flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
    flink.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    restoreFrom.ifPresent(
        path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    return flink;
  }

  /**
   * The newest complete checkpoint ({@code <dir>/<job id>/chk-N} with its {@code _metadata}) under
   * a directory. A running job deletes subsumed checkpoints meanwhile, so entries that vanish while
   * listed are skipped.
   */
  public static Optional<Path> latestCheckpoint(Path checkpointDir) {
    Path newest = null;
    long newestTime = Long.MIN_VALUE;
    for (Path jobDir : list(checkpointDir)) {
      for (Path candidate : list(jobDir)) {
        if (!candidate.getFileName().toString().startsWith("chk-")) {
          continue;
        }
        try {
          long time = Files.getLastModifiedTime(candidate.resolve("_metadata")).toMillis();
          if (time > newestTime) {
            newest = candidate;
            newestTime = time;
          }
        } catch (IOException incompleteOrDeleted) {
          // no _metadata: still being written, or subsumed and deleted
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.toList();
    } catch (IOException missing) {
      return List.of();
    }
  }
}
