package io.kalmstream.ingest;

import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import java.util.Locale;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest job: kg.triples, kg.entities and kg.relations in; contrastive and instruction batches,
 * held-out triples and dead letters out. Sources and sinks come from outside (Kafka in production,
 * see {@link IngestKafka}; anything in tests), so the same graph runs on the MiniCluster of {@code
 * kalm local} and on a cluster.
 *
 * <pre>
 * input ─► validate ─┬─► lifecycle (key: triple) ─► join head ─► join tail ─► join relation ─► 2 pairs ─► assemble (key: shard of the pair's (h, r))
 *                    │        └─► eval triples         ▲             ▲              ▲                        ├─► contrastive
 *                    ├─ entities ──────────────────────┴─────────────┘              │                        └─► instruction
 *                    └─ relations ──────────────────────────────────────────────────┘
 * every stage ─► dead letters
 * </pre>
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  private final IngestConfig config;
  private final Source<KgEvent, ?, ?> input;
  private final Sink<ContrastiveBatch> contrastiveSink;
  private final Sink<InstructionBatch> instructionSink;
  private final Sink<EvalTriple> evalSink;
  private final Sink<DeadLetter> deadLetterSink;

  public IngestJob(
      IngestConfig config,
      Source<KgEvent, ?, ?> input,
      Sink<ContrastiveBatch> contrastiveSink,
      Sink<InstructionBatch> instructionSink,
      Sink<EvalTriple> evalSink,
      Sink<DeadLetter> deadLetterSink) {
    this.config = config;
    this.input = input;
    this.contrastiveSink = contrastiveSink;
    this.instructionSink = instructionSink;
    this.evalSink = evalSink;
    this.deadLetterSink = deadLetterSink;
  }

  public JobExecutionResult execute(StreamExecutionEnvironment env, String jobName)
      throws Exception {
    build(env);
    return env.execute(jobName);
  }

  /**
   * Adds the job's operators to {@code env}; every stateful operator has a fixed uid so savepoints
   * map.
   */
  public void build(StreamExecutionEnvironment env) {
    // every type on the wire is a POJO or Avro record; a Kryo fallback would be a bug (STACK.md)
    Configuration noKryo = new Configuration();
    noKryo.set(PipelineOptions.GENERIC_TYPES, false);
    env.configure(noKryo);
    if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
      env.enableCheckpointing(
          config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
    }

    DataStream<KgEvent> events = env.fromSource(input, watermarks(), "kg-input").uid("kg-input");
    SingleOutputStreamOperator<KgEvent> valid =
        events.process(new Validate(config)).uid("validate").name("validate");
    DataStream<KgEvent> entities = valid.getSideOutput(Validate.ENTITIES);
    DataStream<KgEvent> relations = valid.getSideOutput(Validate.RELATIONS);

    SingleOutputStreamOperator<KgEvent> facts =
        valid
            .keyBy(e -> e.key, Types.STRING)
            .process(new TripleLifecycle(config.heldOut(), config.descriptionWait()))
            .uid("triple-lifecycle")
            .name("dedup, retract, hold out");

    SingleOutputStreamOperator<KgEvent> withHead = join(facts, entities, DescriptionJoin.Role.HEAD);
    SingleOutputStreamOperator<KgEvent> withTail =
        join(withHead, entities, DescriptionJoin.Role.TAIL);
    SingleOutputStreamOperator<KgEvent> complete =
        join(withTail, relations, DescriptionJoin.Role.RELATION);

    AssemblerShards shards =
        new AssemblerShards(
            config.assemblerShards(), env.getParallelism(), env.getMaxParallelism());
    LOG.info(
        "batch assembly in {} shard(s) by each pair's (head, relation), parallelism {}",
        shards.count(),
        env.getParallelism());
    SingleOutputStreamOperator<ContrastiveBatch> batches =
        complete
            .flatMap(new PairDirections())
            .uid("pair-directions")
            .name("forward and inverse pairs")
            .keyBy(shards::keyOf, Types.STRING)
            .process(new BatchAssembler(config, shards))
            .uid("batch-assembler")
            .name("assemble batches");

    batches.sinkTo(contrastiveSink).uid("contrastive-sink").name("contrastive batches");
    batches
        .getSideOutput(BatchAssembler.INSTRUCTION)
        .sinkTo(instructionSink)
        .uid("instruction-sink")
        .name("instruction batches");
    facts
        .getSideOutput(TripleLifecycle.EVAL)
        .sinkTo(evalSink)
        .uid("eval-sink")
        .name("eval triples");
    valid
        .getSideOutput(IngestDeadLetters.TAG)
        .union(
            facts.getSideOutput(IngestDeadLetters.TAG),
            withHead.getSideOutput(IngestDeadLetters.TAG),
            withTail.getSideOutput(IngestDeadLetters.TAG),
            complete.getSideOutput(IngestDeadLetters.TAG))
        .sinkTo(deadLetterSink)
        .uid("dead-letter-sink")
        .name("dead letters");
  }

  private static SingleOutputStreamOperator<KgEvent> join(
      DataStream<KgEvent> facts, DataStream<KgEvent> descriptions, DescriptionJoin.Role role) {
    String name = "join " + role.name().toLowerCase(Locale.ROOT);
    return facts
        .keyBy(role.factKeySelector(), Types.STRING)
        .connect(descriptions.keyBy(e -> e.key, Types.STRING))
        .process(new DescriptionJoin(role))
        .uid(name.replace(' ', '-'))
        .name(name);
  }

  private WatermarkStrategy<KgEvent> watermarks() {
    long outOfOrdernessMs = config.outOfOrderness().toMillis();
    long maxFutureSkewMs = config.maxFutureSkew().toMillis();
    long quietAfterMs = config.idleness().toMillis();
    return WatermarkStrategy.<KgEvent>forGenerator(
            context -> new SkewBoundedWatermarks(outOfOrdernessMs, maxFutureSkewMs, quietAfterMs))
        .withTimestampAssigner((event, recordTimestamp) -> event.eventTime);
  }
}
