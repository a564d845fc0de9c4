package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.batching.BatchPolicy;
import io.kalmstream.batching.HeldOutSplit;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The whole job graph on a local environment, fed from memory: the logic without Kafka. */
class IngestJobTest {
  static final BatchPolicy SMALL = new BatchPolicy(8, 2, 0.25, 16);

  static IngestConfig testConfig() {
    return IngestConfig.builder()
        .policy(SMALL)
        .heldOut(new HeldOutSplit(0.2, "test"))
        .descriptionWait(Duration.ofMinutes(10))
        .batchTimeout(Duration.ofSeconds(1))
        .idleness(Duration.ZERO)
        // the slice's records are 10 ms apart and in order within each partition
        .outOfOrderness(Duration.ofMillis(50))
        .build();
  }

  @Test
  void everyTripleEndsInExactlyOnePlaceAndBatchesAreWellFormed() throws Exception {
    KgSlice slice = KgSlice.wn18rr(200, 5);
    List<KgEvent> events = slice.events();
    events.add(
        KgEvents.undecodable(
            "kg.triples",
            0,
            999,
            KgSlice.START + 5,
            new byte[] {1},
            new byte[] {2, 3},
            "not in the Confluent wire format"));

    CollectingSink<ContrastiveBatch> contrastive = CollectingSink.named("contrastive");
    CollectingSink<InstructionBatch> instruction = CollectingSink.named("instruction");
    CollectingSink<EvalTriple> eval = CollectingSink.named("eval");
    CollectingSink<DeadLetter> dead = CollectingSink.named("dead");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    JobExecutionResult result =
        new IngestJob(testConfig(), fromList(events), contrastive, instruction, eval, dead)
            .execute(env, "ingest-in-memory");

    List<String> evalIds =
        eval.collected().stream().filter(e -> e.triple != null).map(e -> e.tripleId).toList();
    Map<String, String> outcomes =
        Accounting.outcomes(slice, contrastive.collected(), evalIds, dead.collected());
    Set<String> trained =
        outcomes.entrySet().stream()
            .filter(e -> e.getValue().equals("batch"))
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    Accounting.assertWellFormed(contrastive.collected(), instruction.collected(), SMALL, trained);

    assertTrue(trained.size() > 30, "most of the slice trains: " + trained.size());
    assertTrue(evalIds.size() > 3, "about a fifth is held out: " + evalIds.size());
    assertTrue(dead.collected().stream().anyMatch(d -> d.getReason().contains("oversized")));
    assertTrue(
        dead.collected().stream()
            .anyMatch(d -> d.getReason().contains("not in the Confluent wire format")));
    assertTrue(
        dead.collected().stream()
            .anyMatch(d -> d.getReason().startsWith("unknown head entity '99999999'")));
    assertEquals(1L, (Long) result.getAccumulatorResult(Outcome.TRIPLES_DUPLICATE.metricName()));
    assertEquals(1L, (Long) result.getAccumulatorResult(Outcome.UNDECODABLE.metricName()));
    assertEquals(
        (long) trained.size(),
        (Long) result.getAccumulatorResult(Outcome.TRIPLES_JOINED.metricName()));
    assertTrue(
        contrastive.collected().stream()
            .anyMatch(b -> b.getPairs().stream().anyMatch(p -> p.getReplayed())),
        "the reservoir fills reserved slots");
  }

  static DataGeneratorSource<KgEvent> fromList(List<KgEvent> events) {
    List<KgEvent> copy = new java.util.ArrayList<>(events);
    GeneratorFunction<Long, KgEvent> at = index -> copy.get(index.intValue());
    return new DataGeneratorSource<>(at, copy.size(), TypeInformation.of(KgEvent.class));
  }
}
