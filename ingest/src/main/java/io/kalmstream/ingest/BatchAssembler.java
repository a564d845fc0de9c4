package io.kalmstream.ingest;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.ContrastiveBatches;
import io.kalmstream.batching.DistinctTailPacker;
import io.kalmstream.batching.Examples;
import io.kalmstream.batching.InstructionBatches;
import io.kalmstream.batching.ReplayBuffer;
import io.kalmstream.batching.TextViews;
import io.kalmstream.batching.TripleIds;
import io.kalmstream.batching.Truncation;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.InstructionBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
 * Turns pair events (one per direction of a complete triple, see {@link PairDirections}) into
 * batches, one shard per key ({@link AssemblerShards}). A shard files each fact's answer under the
 * pair's question, which is all its false-negative mask needs. The pairs wait in arrival order, and
 * a contrastive batch closes when its live slots can be filled with distinct tails, or when the
 * batch timeout passes with at least one pair waiting. Replayed pairs from the shard's reservoir
 * fill the remaining slots. Each contrastive batch comes with an instruction batch of the same id
 * made from its first live pairs, so the trainer's two streams advance in step.
 */
final class BatchAssembler extends KeyedProcessFunction<String, KgEvent, ContrastiveBatch> {
  static final OutputTag<InstructionBatch> INSTRUCTION = new OutputTag<>("instruction-batches") {};

  private final IngestConfig config;
  private final AssemblerShards shards;
  private transient EventTimeQueue queue;

  /** Question (head, relation) of this shard's pairs → the answers known for it. */
  private transient MapState<String, List<String>> answers;

  private transient ListState<ContrastivePair> pending;
  private transient ReplayBuffer replay;
  private transient ValueState<Long> batchSequence;
  private transient ValueState<Long> timeoutAt;
  private transient Examples examples;
  private transient OutcomeCounters counters;
  private transient ActivitySpan.End activity;

  BatchAssembler(IngestConfig config, AssemblerShards shards) {
    this.config = config;
    this.shards = shards;
  }

  @Override
  public void open(OpenContext openContext) {
    TypeInformation<ContrastivePair> pairType = TypeInformation.of(ContrastivePair.class);
    queue = new EventTimeQueue(getRuntimeContext(), "queue");
    answers =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("answers", Types.STRING, Types.LIST(Types.STRING)));
    pending = getRuntimeContext().getListState(new ListStateDescriptor<>("pending", pairType));
    replay =
        new ReplayBuffer(
            config.policy().replayCapacity(), config.replaySeed(), new ReservoirState(pairType));
    batchSequence =
        getRuntimeContext().getState(new ValueStateDescriptor<>("batch-sequence", Types.LONG));
    timeoutAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timeout-at", Types.LONG));
    examples = new Examples(new TextViews(Truncation.WORDS, config.maxTokens()));
    counters = new OutcomeCounters(getRuntimeContext());
    activity = new ActivitySpan.End(getRuntimeContext());
  }

  @Override
  public void processElement(KgEvent event, Context ctx, Collector<ContrastiveBatch> out)
      throws Exception {
    queue.add(event, ctx.timestamp(), ctx.timerService(), counters);
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<ContrastiveBatch> out)
      throws Exception {
    DistinctTailPacker packer = new DistinctTailPacker(toList(pending.get()));
    boolean emitted = false;
    for (KgEvent event : queue.drain(time)) {
      if (event.kind == KgEvent.Kind.TRIPLE) {
        ContrastivePair pair = examples.pair(event.head, event.relation, event.tail, event.inverse);
        addAnswer(event);
        packer.add(pair);
        if (!event.inverse) {
          counters.inc(Outcome.TRIPLES_JOINED);
        }
        while (packer.canFill(config.policy().contrastiveLiveSlots())) {
          emit(packer, time, ctx, out);
          emitted = true;
        }
      } else {
        removeAnswer(event);
        counters.add(Outcome.PAIRS_RETRACTED_BEFORE_BATCH, packer.removeTriple(event.key));
        replay.removeTriple(event.key);
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
   * A partial batch closes one timeout after the last batch, or after the first pair waiting since
   * then. A superseded timeout timer is left to fire and ignored rather than deleted: timers are
   * unique per timestamp, so deleting one could also delete the event-time queue's timer at the
   * same instant.
   */
  private void scheduleTimeout(
      long time, boolean emitted, DistinctTailPacker packer, OnTimerContext ctx) throws Exception {
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

  private void emit(
      DistinctTailPacker packer, long time, OnTimerContext ctx, Collector<ContrastiveBatch> out)
      throws Exception {
    BatchPolicy policy = config.policy();
    List<ContrastivePair> live = packer.take(policy.contrastiveLiveSlots());
    String batchId = nextBatchId(ctx.getCurrentKey());
    Instant createdAt = Instant.ofEpochMilli(time);

    List<ContrastivePair> contrastive = withReplay(live, policy.contrastiveSize());
    out.collect(ContrastiveBatches.assemble(batchId, contrastive, this::knownAnswers, createdAt));

    List<ContrastivePair> instructionLive =
        live.subList(0, Math.min(live.size(), policy.instructionLiveSlots()));
    List<ContrastivePair> instruction = withReplay(instructionLive, policy.instructionSize());
    ctx.output(INSTRUCTION, InstructionBatches.fromPairs(batchId, instruction, createdAt));

    counters.add(Outcome.LIVE_PAIRS_BATCHED, live.size());
    counters.add(
        Outcome.REPLAYED_PAIRS,
        contrastive.size() - live.size() + instruction.size() - instructionLive.size());
    counters.inc(Outcome.CONTRASTIVE_BATCHES);
    counters.inc(Outcome.INSTRUCTION_BATCHES);
    activity.mark();
    for (ContrastivePair pair : live) {
      replay.offer(pair);
    }
  }

  private List<ContrastivePair> withReplay(List<ContrastivePair> live, int size) {
    List<ContrastivePair> pairs = new ArrayList<>(live);
    Set<String> tails = new HashSet<>();
    live.forEach(p -> tails.add(p.getTail()));
    pairs.addAll(replay.draw(size - live.size(), tails));
    return pairs;
  }

  /** "prefix-shard-sequence": each shard counts its own batches. */
  private String nextBatchId(String shardKey) throws Exception {
    long sequence = valueOr(batchSequence.value(), 0L) + 1;
    batchSequence.update(sequence);
    return String.format("%s-%d-%010d", config.batchIdPrefix(), shards.indexOf(shardKey), sequence);
  }

  private void addAnswer(KgEvent pairEvent) throws Exception {
    String question = PairDirections.question(pairEvent);
    List<String> known = answers.get(question);
    if (known == null) {
      known = new ArrayList<>(1);
    }
    known.add(PairDirections.answer(pairEvent));
    answers.put(question, known);
  }

  private void removeAnswer(KgEvent retraction) throws Exception {
    String question = PairDirections.question(retraction);
    List<String> known = answers.get(question);
    if (known == null) {
      return;
    }
    known.remove(PairDirections.answer(retraction));
    if (known.isEmpty()) {
      answers.remove(question);
    } else {
      answers.put(question, known);
    }
  }

  private Collection<String> knownAnswers(String head, String relation) {
    try {
      List<String> known = answers.get(TripleIds.question(head, relation));
      return known == null ? List.of() : known;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the known answers", e);
    }
  }

  /** The replay reservoir's slots and counters in this function's keyed state. */
  private final class ReservoirState implements ReplayBuffer.Store {
    private final MapState<Integer, ContrastivePair> slots;
    private final ValueState<Integer> size;
    private final ValueState<Long> seen;
    private final ValueState<Long> draws;

    ReservoirState(TypeInformation<ContrastivePair> pairType) {
      slots =
          getRuntimeContext()
              .getMapState(new MapStateDescriptor<>("reservoir", Types.INT, pairType));
      size = getRuntimeContext().getState(new ValueStateDescriptor<>("reservoir-size", Types.INT));
      seen = getRuntimeContext().getState(new ValueStateDescriptor<>("reservoir-seen", Types.LONG));
      draws = getRuntimeContext().getState(new ValueStateDescriptor<>("draws", Types.LONG));
    }

    @Override
    public int size() {
      return read(() -> valueOr(size.value(), 0));
    }

    @Override
    public void setSize(int value) {
      write(() -> size.update(value));
    }

    @Override
    public ContrastivePair get(int slot) {
      return read(() -> slots.get(slot));
    }

    @Override
    public void put(int slot, ContrastivePair pair) {
      write(() -> slots.put(slot, pair));
    }

    @Override
    public void remove(int slot) {
      write(() -> slots.remove(slot));
    }

    @Override
    public long seen() {
      return read(() -> valueOr(seen.value(), 0L));
    }

    @Override
    public void setSeen(long value) {
      write(() -> seen.update(value));
    }

    @Override
    public long draws() {
      return read(() -> valueOr(draws.value(), 0L));
    }

    @Override
    public void setDraws(long value) {
      write(() -> draws.update(value));
    }
  }

  private interface StateRead<T> {
    T get() throws Exception;
  }

  private interface StateWrite {
    void run() throws Exception;
  }

  private static <T> T read(StateRead<T> read) {
    try {
      return read.get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the replay reservoir's state", e);
    }
  }

  private static void write(StateWrite write) {
    try {
      write.run();
    } catch (Exception e) {
      throw new IllegalStateException("cannot write the replay reservoir's state", e);
    }
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
