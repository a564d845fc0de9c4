package io.kalmstream.scorer;

import io.kalmstream.model.TextEmbedder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded model version shared by the index writer, the query threads and the monitor. It is
 * closed when it has been retired by a swap and the last forward pass that acquired it has released
 * it, so a batch that started on the old version finishes on it.
 */
final class ModelHandle {
  private final long version;
  private final TextEmbedder embedder;

  /** The owner's reference (held until {@link #retire}) plus one per running forward pass. */
  private final AtomicInteger references = new AtomicInteger(1);

  ModelHandle(long version, TextEmbedder embedder) {
    this.version = version;
    this.embedder = embedder;
  }

  long version() {
    return version;
  }

  int dimension() {
    return embedder.dimension();
  }

  /**
   * Embeds under this version. Calls are serialised: a model implementation need not be
   * thread-safe, and on a small CPU machine concurrent forward passes only compete for the same
   * cores.
   */
  float[][] embed(List<String> texts) {
    if (!acquire()) {
      throw new IllegalStateException("model version " + version + " is already closed");
    }
    try {
      synchronized (embedder) {
        return embedder.embed(texts);
      }
    } finally {
      release();
    }
  }

  private boolean acquire() {
    while (true) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private void release() {
    if (references.decrementAndGet() == 0) {
      embedder.close();
    }
  }

  /** Drops the owner's reference; the model closes once no forward pass is using it. */
  void retire() {
    release();
  }
}
