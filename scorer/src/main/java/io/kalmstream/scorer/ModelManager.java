package io.kalmstream.scorer;

import io.kalmstream.batching.TextViews;
import io.kalmstream.checkpoints.CheckpointReader;
import io.kalmstream.checkpoints.CheckpointStores;
import io.kalmstream.checkpoints.RejectedCheckpoint;
import io.kalmstream.model.TextEmbedder;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.EntityDescription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the model versions and their entity indexes.
 *
 * <p>Two threads write. The <em>index</em> thread is the only one that touches the live {@link
 * EntityIndex}: it embeds entities as they arrive (under the current version) and performs swaps.
 * The <em>reindex</em> thread verifies and loads a new checkpoint and embeds every entity into a
 * fresh index, while queries keep being answered from the current one; it then hands the fresh
 * index to the index thread, which re-embeds what changed in the catalog meanwhile and publishes it
 * in one reference write. Readers take {@link #current()} once per batch, so a batch is answered
 * wholly by one version.
 */
public final class ModelManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

  /** Timings of one swap, for the benchmark and the logs. */
  public record SwapTimings(long version, int entities, Duration reindex, Duration swap) {}

  private final ScorerConfig config;
  private final GraphCatalog catalog;
  private final ModelLoader loader;
  private final ScorerEvents events;
  private final TextViews textViews;
  private final ExecutorService indexThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "scorer-index"));
  private final ExecutorService reindexThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "scorer-reindex"));
  private final AtomicReference<EntityIndex.Snapshot> current = new AtomicReference<>();
  private final Set<String> pendingEntities = new LinkedHashSet<>();
  private boolean drainScheduled;
  private final CheckpointReader checkpoints;
  private final CheckpointVerifier verifier;

  /** Announcements not yet verified, by version; the reindex thread takes the newest. */
  private final ConcurrentSkipListMap<Long, CheckpointPublished> pending =
      new ConcurrentSkipListMap<>();

  /** Written by the reindex thread only, once a version has passed verification. */
  private final AtomicLong newestAccepted = new AtomicLong(0);

  private final Map<Long, CompletableFuture<EntityIndex.Snapshot>> swaps =
      new ConcurrentHashMap<>();
  private final AtomicReference<SwapTimings> lastSwap = new AtomicReference<>();

  /** Reindex thread only: when the next full re-index may start (System.nanoTime). */
  private long nextReindexAt = System.nanoTime();

  private QualityMonitor monitor;

  /** Index thread only. */
  private EntityIndex index;

  /** Index thread only: the index size at the last measurement of version 0. */
  private int baseMeasuredAt;

  ModelManager(
      ScorerConfig config,
      GraphCatalog catalog,
      ModelLoader loader,
      ScorerEvents events,
      TextViews textViews) {
    this.textViews = textViews;
    this.config = config;
    this.catalog = catalog;
    this.loader = loader;
    this.events = events;
    this.checkpoints =
        CheckpointStores.reader(config.checkpointRoot(), config.s3(), config.checkpointCache());
    this.verifier = new CheckpointVerifier(checkpoints, config.maxVersionJump());
  }

  /**
   * Loads the base model as version 0 with an empty index; entities fill it as the catalog
   * announces them.
   */
  void start(QualityMonitor qualityMonitor) {
    this.monitor = qualityMonitor;
    ModelHandle base = new ModelHandle(0, loader.loadBase());
    index = new EntityIndex(base, 1024);
    current.set(index.snapshot());
    events.registry().gauge("kalm_scorer_model_version", current, ref -> ref.get().version());
    events.registry().gauge("kalm_scorer_indexed_entities", current, ref -> ref.get().size());
    LOG.info("base model loaded as version 0, dimension {}", base.dimension());
  }

  EntityIndex.Snapshot current() {
    return current.get();
  }

  /** From the catalog's store processor: the entity was added, changed or removed. */
  void entityChanged(String id) {
    synchronized (pendingEntities) {
      pendingEntities.add(id);
      if (!drainScheduled) {
        drainScheduled = true;
        indexThread.execute(this::drainPendingEntities);
      }
    }
  }

  private void drainPendingEntities() {
    while (true) {
      List<String> ids = new ArrayList<>();
      synchronized (pendingEntities) {
        Iterator<String> it = pendingEntities.iterator();
        while (it.hasNext() && ids.size() < config.embedBatch()) {
          ids.add(it.next());
          it.remove();
        }
        if (ids.isEmpty()) {
          drainScheduled = false;
          break;
        }
      }
      try {
        syncWithCatalog(index, ids);
        current.set(index.snapshot());
      } catch (RuntimeException e) {
        LOG.error(
            "embedding {} new entities under model version {} failed; they stay out of the index",
            ids.size(),
            index.model().version(),
            e);
      }
    }
    // The base model is measured whenever its index has grown by a tenth since it was last
    // measured, so its
    // figures (the reference of the relative alerts) end up taken over the whole catalogue.
    int size = current.get().size();
    if (index.model().version() == 0
        && size > 1
        && size >= baseMeasuredAt + Math.max(1, baseMeasuredAt / 10)) {
      baseMeasuredAt = size;
      monitor.versionComplete(current.get());
    }
  }

  /**
   * Brings the given entities of {@code target} in line with the catalog, embedding under its
   * model.
   */
  private void syncWithCatalog(EntityIndex target, Collection<String> ids) {
    List<String> changedIds = new ArrayList<>();
    List<String> changedViews = new ArrayList<>();
    for (String id : ids) {
      EntityDescription entity = catalog.entity(id);
      if (entity == null) {
        target.remove(id);
        continue;
      }
      String view = textViews.tail(TextViews.entityText(entity));
      if (!view.equals(target.viewOf(id))) {
        changedIds.add(id);
        changedViews.add(view);
      }
    }
    for (int from = 0; from < changedIds.size(); from += config.embedBatch()) {
      int to = Math.min(changedIds.size(), from + config.embedBatch());
      List<String> views = changedViews.subList(from, to);
      target.upsert(changedIds.subList(from, to), views, target.model().embed(views));
    }
  }

  /**
   * From the checkpoint store processor. Nothing is recorded here: the reindex thread verifies
   * announcements newest first, so a refused one neither counts as the newest version nor shuts out
   * the valid ones below it.
   */
  void checkpointAnnounced(CheckpointPublished checkpoint) {
    long version = checkpoint.getVersion();
    if (version <= newestAccepted.get()) {
      LOG.info(
          "checkpoint {} version {} ignored: not newer than version {}",
          checkpoint.getModelName(),
          version,
          newestAccepted.get());
      return;
    }
    pending.put(version, checkpoint);
    reindexThread.execute(this::reindexNewestPending);
  }

  /**
   * Reindex thread: takes the newest pending announcement that passes verification; older ones are
   * skipped.
   */
  private void reindexNewestPending() {
    Map.Entry<Long, CheckpointPublished> newest;
    while ((newest = pending.pollLastEntry()) != null) {
      CheckpointPublished checkpoint = newest.getValue();
      if (checkpoint.getVersion() <= newestAccepted.get()) {
        continue;
      }
      Path dir;
      try {
        dir = verifier.verify(checkpoint, newestAccepted.get());
      } catch (RejectedCheckpoint e) {
        reject(checkpoint, e.getMessage());
        continue;
      }
      if (!awaitReindexBudget(checkpoint)) {
        return;
      }
      if (!pending.isEmpty() && pending.lastKey() > checkpoint.getVersion()) {
        // A newer one came during the wait: it goes first, and this one stays as its fall-back.
        pending.put(checkpoint.getVersion(), checkpoint);
        continue;
      }
      pending
          .headMap(checkpoint.getVersion())
          .keySet()
          .forEach(
              skipped ->
                  LOG.info(
                      "checkpoint version {} skipped: version {} is newer",
                      skipped,
                      checkpoint.getVersion()));
      pending.headMap(checkpoint.getVersion()).clear();
      newestAccepted.set(checkpoint.getVersion());
      reindex(checkpoint, dir);
    }
  }

  /** Waits until a full re-index fits the CPU share; false when interrupted (closing). */
  private boolean awaitReindexBudget(CheckpointPublished checkpoint) {
    long wait = nextReindexAt - System.nanoTime();
    if (wait <= 0) {
      return true;
    }
    LOG.info(
        "checkpoint {} version {}: re-index starts in {} ms, keeping full re-indexes under {} of a core",
        checkpoint.getModelName(),
        checkpoint.getVersion(),
        wait / 1_000_000,
        config.reindexShare());
    try {
      TimeUnit.NANOSECONDS.sleep(wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void reindex(CheckpointPublished checkpoint, Path dir) {
    long version = checkpoint.getVersion();
    long started = System.nanoTime();
    TextEmbedder embedder;
    try {
      embedder = loader.loadWithAdapter(dir);
    } catch (RuntimeException e) {
      reject(checkpoint, "cannot load the adapter: " + e.getMessage());
      return;
    }
    ModelHandle model = new ModelHandle(version, embedder);
    EntityIndex fresh = new EntityIndex(model, current.get().size() + 1024);
    try {
      List<String> ids = catalog.entities().stream().map(EntityDescription::getId).toList();
      syncWithCatalog(fresh, ids);
    } catch (RuntimeException e) {
      model.retire();
      reject(checkpoint, "re-embedding the entities failed: " + e.getMessage());
      return;
    }
    Duration reindex = Duration.ofNanos(System.nanoTime() - started);
    nextReindexAt =
        System.nanoTime()
            + (long) (reindex.toNanos() * (1 - config.reindexShare()) / config.reindexShare());
    LOG.info(
        "checkpoint {} version {}: {} entities re-embedded in {} ms",
        checkpoint.getModelName(),
        version,
        fresh.ids().size(),
        reindex.toMillis());
    try {
      EntityIndex.Snapshot swapped = indexThread.submit(() -> swapTo(fresh, reindex)).get();
      monitor.versionComplete(swapped);
      swaps.computeIfAbsent(version, v -> new CompletableFuture<>()).complete(swapped);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.error(
          "swap to model version {} failed; version {} keeps answering",
          version,
          current.get().version(),
          e.getCause());
      model.retire();
    }
  }

  /** Index thread: catch up with catalog changes made during the re-index, then publish. */
  private EntityIndex.Snapshot swapTo(EntityIndex fresh, Duration reindex) {
    long started = System.nanoTime();
    Set<String> ids = new LinkedHashSet<>(fresh.ids());
    catalog.entities().forEach(e -> ids.add(e.getId()));
    syncWithCatalog(fresh, ids);
    EntityIndex old = index;
    index = fresh;
    EntityIndex.Snapshot published = fresh.snapshot();
    current.set(published);
    old.model().retire();
    Duration swap = Duration.ofNanos(System.nanoTime() - started);
    lastSwap.set(new SwapTimings(published.version(), published.size(), reindex, swap));
    LOG.info(
        "swapped model version {} → {}: {} entities, swap {} ms",
        old.model().version(),
        published.version(),
        published.size(),
        swap.toMillis());
    return published;
  }

  private void reject(CheckpointPublished checkpoint, String reason) {
    LOG.warn(
        "checkpoint {} version {} at {} refused: {}",
        checkpoint.getModelName(),
        checkpoint.getVersion(),
        checkpoint.getUri(),
        reason);
    events.alert(
        "CHECKPOINT_REJECTED",
        checkpoint.getVersion(),
        current.get().version(),
        0,
        0,
        "checkpoint "
            + checkpoint.getModelName()
            + " version "
            + checkpoint.getVersion()
            + " at "
            + checkpoint.getUri()
            + " refused: "
            + reason);
    swaps
        .computeIfAbsent(checkpoint.getVersion(), v -> new CompletableFuture<>())
        .completeExceptionally(new IllegalStateException(reason));
  }

  /**
   * Waits until the given checkpoint version answers queries.
   *
   * @throws ExecutionException when that version was refused
   */
  EntityIndex.Snapshot awaitVersion(long version, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return swaps
        .computeIfAbsent(version, v -> new CompletableFuture<>())
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every entity announced so far is in the current index. */
  void awaitIndexed() throws InterruptedException, ExecutionException {
    indexThread.submit(() -> {}).get();
  }

  SwapTimings lastSwap() {
    return lastSwap.get();
  }

  @Override
  public void close() {
    reindexThread.shutdownNow();
    indexThread.shutdownNow();
    try {
      reindexThread.awaitTermination(30, TimeUnit.SECONDS);
      indexThread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (index != null) {
      index.model().retire();
    }
    checkpoints.close();
  }
}
