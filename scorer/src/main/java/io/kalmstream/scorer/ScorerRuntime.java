package io.kalmstream.scorer;

import io.kalmstream.batching.TextViews;
import io.kalmstream.model.eval.TopKSearch;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The scorer without Kafka: catalog, model versions and indexes, quality monitor, link predictor
 * and the events they raise. The topology feeds it; the HTTP endpoints and the benchmark read it.
 */
public final class ScorerRuntime implements AutoCloseable {
  private final GraphCatalog catalog = new GraphCatalog();
  private final ScorerEvents events;
  private final ModelManager models;
  private final QualityMonitor monitor;
  private final TopKSearch search;
  private final LinkPredictor predictor;

  /**
   * @param textViews the D_hr / D_t views; they must be those the trainer trained on
   */
  public ScorerRuntime(ScorerConfig config, ModelLoader loader, TextViews textViews) {
    this.events = new ScorerEvents(config.historySize());
    this.models = new ModelManager(config, catalog, loader, events, textViews);
    this.monitor = new QualityMonitor(config, catalog, events, models::current, textViews);
    this.search = new TopKSearch(config.searchThreads());
    this.predictor =
        new LinkPredictor(
            catalog, models::current, search, config.maxK(), config.maxQueryTextChars(), textViews);
    models.start(monitor);
  }

  /**
   * Answers one query now, through the same code as the stream; the answer is not written to Kafka.
   */
  public LinkPredictionAnswer query(LinkPredictionQuery query) {
    LinkPredictionAnswer answer =
        predictor
            .answer(List.of(new LinkPredictor.TimedQuery(query, System.currentTimeMillis())))
            .get(0);
    events.answered(answer);
    return answer;
  }

  /** Version whose index answers queries now. */
  public long currentVersion() {
    return models.current().version();
  }

  public int indexedEntities() {
    return models.current().size();
  }

  /** Waits until every entity announced so far is embedded under the current version. */
  public void awaitIndexed() throws InterruptedException, ExecutionException {
    models.awaitIndexed();
  }

  /** Waits until a checkpoint version answers; fails when it was refused. */
  public void awaitVersion(long version, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    models.awaitVersion(version, timeout);
  }

  /** Waits until every quality measurement queued so far is done. */
  public void awaitMeasured() throws InterruptedException, ExecutionException {
    monitor.awaitIdle();
  }

  public ModelManager.SwapTimings lastSwap() {
    return models.lastSwap();
  }

  GraphCatalog catalog() {
    return catalog;
  }

  ScorerEvents events() {
    return events;
  }

  ModelManager models() {
    return models;
  }

  QualityMonitor monitor() {
    return monitor;
  }

  TopKSearch search() {
    return search;
  }

  LinkPredictor predictor() {
    return predictor;
  }

  @Override
  public void close() {
    monitor.close();
    models.close();
    search.close();
  }
}
