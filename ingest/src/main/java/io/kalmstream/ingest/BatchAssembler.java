package io.kalmstream.ingest;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.ContrastiveBatches;
import io.kalmstream.batching.DistinctTailPacker;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.InstructionBatches;
import io.kalmstream.batching.KnownFacts;
import io.kalmstream.batching.ReservoirSampling;
import io.kalmstream.batching.TextViews;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.batching.Truncation;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.InstructionBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Turns complete triples into batches. It runs under a single key because the false-negative mask needs every
 * known fact and the replay reservoir is one sample of the whole stream. Each triple gives a forward and an
 * inverse pair; the pairs wait in arrival order, and a contrastive batch closes when its live slots can be filled
 * with distinct tails, or when the batch timeout passes with at least one pair waiting. Replayed pairs from the
 * reservoir fill the remaining slots. Each contrastive batch comes with an instruction batch of the same id made
 * from its first live pairs, so the trainer's two streams advance in step.
 */
final class BatchAssembler extends KeyedProcessFunction<String, KgEvent, ContrastiveBatch> {
  static final String SINGLE_KEY = "all";
  static final OutputTag<InstructionBatch> INSTRUCTION = new OutputTag<>("instruction-batches") {};

  private final IngestConfig config;
  private transient EventTimeQueue queue;
  private transient MapState<String, Boolean> knownFacts;
  private transient ListState<ContrastivePair> pending;
  private transient MapState<Integer, ContrastivePair> reservoir;
  private transient ValueState<Integer> reservoirSize;
  private transient ValueState<Long> reservoirSeen;
  private transient ValueState<Long> draws;
  private transient ValueState<Long> batchSequence;
  private transient ValueState<Long> timeoutAt;
  private transient Examples examples;
  private transient OutcomeCounters counters;

  BatchAssembler(IngestConfig config) {
    this.config = config;
  }

  @Override
  public void open(OpenContext openContext) {
    TypeInformation<ContrastivePair> pairType = TypeInformation.of(ContrastivePair.class);
    queue = new EventTimeQueue(getRuntimeContext(), "queue");
    knownFacts = getRuntimeContext().getMapState(new MapStateDescriptor<>("known-facts", Types.STRING, Types.BOOLEAN));
    pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending", pairType));
    reservoir = getRuntimeContext().getMapState(new MapStateDescriptor<>("reservoir", Types.INT, pairType));
    reservoirSize = getRuntimeContext().getState(new ValueStateDescriptor<>("reservoir-size", Types.INT));
    reservoirSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("reservoir-seen", Types.LONG));
    draws = getRuntimeContext().getState(new ValueStateDescriptor<>("draws", Types.LONG));
    batchSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("batch-sequence", Types.LONG));
    timeoutAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timeout-at", Types.LONG));
    examples = new Examples(new TextViews(Truncation.WORDS, config.maxTokens()));
    counters = new OutcomeCounters(getRuntimeContext());
  }

  @Override
  public void processElement(KgEvent event, Context ctx, Collector<ContrastiveBatch> out) throws Exception {
    queue.add(event, ctx.timestamp(), ctx.timerService(), counters);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<ContrastiveBatch> out) throws Exception {
    DistinctTailPacker packer = new DistinctTailPacker(toList(pending.get()));
    boolean emitted = false;
    for (KgEvent event : queue.drain(time)) {
      if (event.kind == KgEvent.Kind.TRIPLE) {
        knownFacts.put(event.key, Boolean.TRUE);
        examples.pairs(event.head, event.relation, event.tail).forEach(packer::add);
        counters.inc(Outcome.TRIPLES_JOINED);
        while (packer.canFill(config.policy().contrastiveLiveSlots())) {
          emit(packer, time, ctx, out);
          emitted = true;
        }
      } else {
        knownFacts.remove(event.key);
        counters.add(Outcome.PAIRS_RETRACTED_BEFORE_BATCH, packer.removeTriple(event.key));
        removeFromReservoir(event.key);
      }
    }
    Long timeout = timeoutAt.value();
    if (timeout != null && timeout == time && !packer.isEmpty()) {
      emit(packer, time, ctx, out);
      emitted = true;
    }
    scheduleTimeout(time, emitted, packer, ctx);
    pending.update(packer.pending());
  }

  /**
   * A partial batch closes one timeout after the last batch, or after the first pair waiting since then. A
   * superseded timeout timer is left to fire and ignored rather than deleted: timers are unique per timestamp, so
   * deleting one could also delete the event-time queue's timer at the same instant.
   */
  private void scheduleTimeout(long time, boolean emitted, DistinctTailPacker packer, OnTimerContext ctx)
      throws Exception {
    Long timeout = timeoutAt.value();
    if (packer.isEmpty()) {
      timeoutAt.clear();
      return;
    }
    if (timeout == null || timeout <= time || emitted) {
      long next = time + config.batchTimeout().toMillis();
      timeoutAt.update(next);
      ctx.timerService().registerEventTimeTimer(next);
    }
  }

  private void emit(DistinctTailPacker packer, long time, OnTimerContext ctx, Collector<ContrastiveBatch> out)
      throws Exception {
    BatchPolicy policy = config.policy();
    List<ContrastivePair> live = packer.take(policy.contrastiveLiveSlots());
    String batchId = nextBatchId();
    Instant createdAt = Instant.ofEpochMilli(time);

    List<ContrastivePair> contrastive = withReplay(live, policy.contrastiveSize());
    out.collect(ContrastiveBatches.assemble(batchId, contrastive, knownFactsView(), createdAt));

    List<ContrastivePair> instructionLive = live.subList(0, Math.min(live.size(), policy.instructionLiveSlots()));
    List<ContrastivePair> instruction = withReplay(instructionLive, policy.instructionSize());
    ctx.output(INSTRUCTION, InstructionBatches.fromPairs(batchId, instruction, createdAt));

    counters.add(Outcome.LIVE_PAIRS_BATCHED, live.size());
    counters.add(Outcome.REPLAYED_PAIRS, contrastive.size() - live.size() + instruction.size() - instructionLive.size());
    counters.inc(Outcome.CONTRASTIVE_BATCHES);
    counters.inc(Outcome.INSTRUCTION_BATCHES);
    for (ContrastivePair pair : live) {
      offerToReservoir(pair);
    }
  }

  private List<ContrastivePair> withReplay(List<ContrastivePair> live, int size) throws Exception {
    List<ContrastivePair> pairs = new ArrayList<>(live);
    Set<String> tails = new HashSet<>();
    live.forEach(p -> tails.add(p.getTail()));
    long draw = valueOr(draws.value(), 0L);
    draws.update(draw + 1);
    pairs.addAll(ReservoirSampling.draw(reservoirSlots(), size - live.size(), tails, config.replaySeed(), draw));
    return pairs;
  }

  private String nextBatchId() throws Exception {
    long sequence = valueOr(batchSequence.value(), 0L) + 1;
    batchSequence.update(sequence);
    return String.format("%s-%010d", config.batchIdPrefix(), sequence);
  }

  private KnownFacts knownFactsView() {
    return (head, relation, tail) -> {
      try {
        return knownFacts.contains(TripleIds.of(head, relation, tail));
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the known facts", e);
      }
    };
  }

  private ReservoirSampling.Slots reservoirSlots() throws Exception {
    int size = valueOr(reservoirSize.value(), 0);
    return new ReservoirSampling.Slots() {
      @Override
      public int size() {
        return size;
      }

      @Override
      public ContrastivePair get(int slot) {
        try {
          return reservoir.get(slot);
        } catch (Exception e) {
          throw new IllegalStateException("cannot read replay slot " + slot, e);
        }
      }
    };
  }

  private void offerToReservoir(ContrastivePair pair) throws Exception {
    long seen = valueOr(reservoirSeen.value(), 0L);
    reservoirSeen.update(seen + 1);
    int slot = ReservoirSampling.slotFor(seen, config.policy().replayCapacity(), config.replaySeed());
    if (slot < 0) {
      return;
    }
    int size = valueOr(reservoirSize.value(), 0);
    // retractions shrink the reservoir below the slots the sampling counts with: append instead of leaving a gap
    if (slot >= size) {
      reservoir.put(size, pair);
      reservoirSize.update(size + 1);
    } else {
      reservoir.put(slot, pair);
    }
  }

  /** Forgets a retracted triple's pairs; the last slot moves into each hole so the slots stay dense. */
  private void removeFromReservoir(String tripleId) throws Exception {
    int size = valueOr(reservoirSize.value(), 0);
    for (int slot = size - 1; slot >= 0; slot--) {
      ContrastivePair pair = reservoir.get(slot);
      if (pair != null && Examples.sourceTripleId(pair).equals(tripleId)) {
        int last = size - 1;
        if (slot != last) {
          reservoir.put(slot, reservoir.get(last));
        }
        reservoir.remove(last);
        size--;
      }
    }
    reservoirSize.update(size);
  }

  private static <T> T valueOr(T value, T fallback) {
    return value == null ? fallback : value;
  }

  private static List<ContrastivePair> toList(Iterable<ContrastivePair> items) {
    List<ContrastivePair> list = new ArrayList<>();
    if (items != null) {
      items.forEach(list::add);
    }
    return list;
  }
}
