package io.kalmstream.cli.faults;

import io.kalmstream.batching.Examples;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.ContrastivePair;
import io.kalmstream.schemas.DeadLetter;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.Triple;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the pipeline's topics, its checkpoint store and the trainer's logs say happened to every
 * input, read back after a fault run: where each triple ended, which queries were answered how
 * often, which durable checkpoints were announced, and which batches the trainer stepped on.
 */
public final class FaultLedger {
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final Pattern CHECKPOINT_DIR = Pattern.compile("step-(\\d{12,})");

  /** The trainer's step line: "step N loss ... batches <contrastive or -> [<instruction>, ...]". */
  static final Pattern STEP_LINE =
      Pattern.compile("TrainingLoop - step (\\d+) loss .* batches (\\S+) \\[(.*)\\]\\s*$");

  /** The trainer's resume line: "resuming at step N ...". */
  static final Pattern RESUME_LINE = Pattern.compile("TrainingLoop - resuming at step (\\d+)");

  /** Triples by outcome; the problems name the triple ids. */
  public record Triples(
      int produced,
      int trained,
      int heldOut,
      int retracted,
      int deadLettered,
      List<String> unaccounted,
      List<String> inTwoClasses,
      List<String> trainedTwice) {}

  /** Queries and their answers on kg.predictions (read_committed). */
  public record Queries(
      int sent,
      int answered,
      List<String> missing,
      List<String> duplicated,
      int answeredWithError) {}

  /** Durable checkpoints in the store against the announcements on kg.checkpoints. */
  public record Checkpoints(
      int durable, int announced, List<Long> unannounced, int regressions, long newestAnnounced) {}

  /**
   * Batches on the batch topics against the trainer's steps: contrastive batches and how many were
   * trained, gaps (a batch skipped before the furthest one trained in its partition, and not
   * dead-lettered), batches trained more than once, and the steps trained again after each kill
   * (from the resumed step to the last step the killed run logged).
   */
  public record Training(
      int contrastiveBatches,
      int contrastiveTrained,
      List<String> neverTrained,
      List<String> trainedTwice,
      List<Long> replayedStepsPerRestart,
      long lastStep) {}

  public record Summary(
      Triples triples, Queries queries, Checkpoints checkpoints, Training training) {}

  private FaultLedger() {}

  static Summary read(
      KafkaConnection connection,
      Topics topics,
      Path checkpointStore,
      List<List<String>> trainerLogs,
      Set<String> extraQueryIds) {
    Set<String> deadLettered = new HashSet<>();
    for (TopicSnapshot.Entry<DeadLetter> d :
        TopicSnapshot.read(connection, topics.deadLetters().name(), DeadLetter.class, PATIENCE)
            .entries()) {
      deadLettered.add(
          coordinates(
              d.value().getSourceTopic(),
              d.value().getSourcePartition(),
              d.value().getSourceOffset()));
    }
    TopicSnapshot<ContrastiveBatch> contrastive =
        TopicSnapshot.read(
            connection, topics.contrastiveBatches().name(), ContrastiveBatch.class, PATIENCE);
    TopicSnapshot<InstructionBatch> instruction =
        TopicSnapshot.read(
            connection, topics.instructionBatches().name(), InstructionBatch.class, PATIENCE);
    Triples triples = triples(connection, topics, contrastive, deadLettered);
    Queries queries = queries(connection, topics, extraQueryIds);
    Checkpoints checkpoints = checkpoints(connection, topics, checkpointStore);
    Training training = training(topics, contrastive, instruction, deadLettered, trainerLogs);
    return new Summary(triples, queries, checkpoints, training);
  }

  private static Triples triples(
      KafkaConnection connection,
      Topics topics,
      TopicSnapshot<ContrastiveBatch> contrastive,
      Set<String> deadLettered) {
    String triplesTopic = topics.triples().name();
    List<TopicSnapshot.Entry<Triple>> produced =
        TopicSnapshot.read(connection, triplesTopic, Triple.class, PATIENCE).entries();
    Map<String, Integer> trained = new HashMap<>();
    for (TopicSnapshot.Entry<ContrastiveBatch> batch : contrastive.entries()) {
      for (ContrastivePair pair : batch.value().getPairs()) {
        if (!pair.getReplayed() && !pair.getInverse()) {
          trained.merge(Examples.sourceTripleId(pair), 1, Integer::sum);
        }
      }
    }
    Set<String> heldOut = new HashSet<>();
    for (TopicSnapshot.Entry<Triple> e :
        TopicSnapshot.read(connection, topics.evalTriples().name(), Triple.class, PATIENCE)
            .entries()) {
      if (e.value() != null) {
        heldOut.add(e.key());
      }
    }
    Set<String> retracted = new HashSet<>();
    for (TopicSnapshot.Entry<Triple> e : produced) {
      if (e.value() == null) {
        retracted.add(e.key());
      }
    }
    int trainedCount = 0;
    int heldOutCount = 0;
    int retractedCount = 0;
    int deadCount = 0;
    int total = 0;
    List<String> unaccounted = new ArrayList<>();
    List<String> inTwo = new ArrayList<>();
    List<String> twice = new ArrayList<>();
    for (TopicSnapshot.Entry<Triple> e : produced) {
      if (e.value() == null) {
        continue;
      }
      total++;
      List<String> classes = new ArrayList<>();
      int times = trained.getOrDefault(e.key(), 0);
      if (times > 0) {
        classes.add("trained");
      }
      if (times > 1) {
        twice.add(e.key());
      }
      if (heldOut.contains(e.key())) {
        classes.add("held out");
      }
      if (retracted.contains(e.key())) {
        classes.add("retracted");
      }
      if (deadLettered.contains(coordinates(triplesTopic, e))) {
        classes.add("dead-lettered");
      }
      switch (classes.size()) {
        case 0 -> unaccounted.add(e.key());
        case 1 -> {
          switch (classes.get(0)) {
            case "trained" -> trainedCount++;
            case "held out" -> heldOutCount++;
            case "retracted" -> retractedCount++;
            default -> deadCount++;
          }
        }
        default -> inTwo.add(e.key() + " " + classes);
      }
    }
    return new Triples(
        total, trainedCount, heldOutCount, retractedCount, deadCount, unaccounted, inTwo, twice);
  }

  private static Queries queries(
      KafkaConnection connection, Topics topics, Set<String> extraQueryIds) {
    Set<String> sent = new TreeSet<>(extraQueryIds);
    for (TopicSnapshot.Entry<LinkPredictionQuery> q :
        TopicSnapshot.read(connection, topics.queries().name(), LinkPredictionQuery.class, PATIENCE)
            .entries()) {
      if (q.value() != null) {
        sent.add(q.value().getQueryId());
      }
    }
    Map<String, Integer> answers = new HashMap<>();
    int withError = 0;
    for (TopicSnapshot.Entry<LinkPredictionAnswer> a :
        TopicSnapshot.read(
                connection, topics.predictions().name(), LinkPredictionAnswer.class, PATIENCE)
            .entries()) {
      answers.merge(a.value().getQueryId(), 1, Integer::sum);
      if (a.value().getError() != null) {
        withError++;
      }
    }
    List<String> missing = sent.stream().filter(id -> !answers.containsKey(id)).toList();
    List<String> duplicated =
        answers.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    int answered = (int) sent.stream().filter(answers::containsKey).count();
    return new Queries(sent.size(), answered, missing, duplicated, withError);
  }

  private static Checkpoints checkpoints(KafkaConnection connection, Topics topics, Path store) {
    Set<Long> durable = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(store)) {
      dirs.forEach(
          d -> {
            Matcher m = CHECKPOINT_DIR.matcher(d.getFileName().toString());
            if (m.matches()) {
              durable.add(Long.parseLong(m.group(1)));
            }
          });
    } catch (IOException noStoreYet) {
      // nothing durable
    }
    Set<Long> announced = new TreeSet<>();
    int regressions = 0;
    long previous = -1;
    for (TopicSnapshot.Entry<CheckpointPublished> c :
        TopicSnapshot.read(
                connection, topics.checkpoints().name(), CheckpointPublished.class, PATIENCE)
            .entries()) {
      if (c.value() == null) {
        continue;
      }
      long version = c.value().getVersion();
      if (version < previous) {
        regressions++;
      }
      previous = Math.max(previous, version);
      announced.add(version);
    }
    List<Long> unannounced = durable.stream().filter(v -> !announced.contains(v)).toList();
    return new Checkpoints(durable.size(), announced.size(), unannounced, regressions, previous);
  }

  private static Training training(
      Topics topics,
      TopicSnapshot<ContrastiveBatch> contrastive,
      TopicSnapshot<InstructionBatch> instruction,
      Set<String> deadLettered,
      List<List<String>> trainerLogs) {
    Map<String, Integer> stepped = new LinkedHashMap<>();
    List<Long> replayed = new ArrayList<>();
    long lastStepOfPreviousRun = -1;
    long lastStep = 0;
    for (List<String> run : trainerLogs) {
      long resumedAt = 0;
      long lastInRun = -1;
      for (String line : run) {
        Matcher resume = RESUME_LINE.matcher(line);
        if (resume.find()) {
          resumedAt = Long.parseLong(resume.group(1));
        }
        Matcher step = STEP_LINE.matcher(line);
        if (step.find()) {
          lastInRun = Long.parseLong(step.group(1));
          lastStep = Math.max(lastStep, lastInRun);
          if (!step.group(2).equals("-")) {
            stepped.merge(step.group(2), 1, Integer::sum);
          }
          for (String i : step.group(3).split(",\\s*")) {
            if (!i.isBlank()) {
              stepped.merge(i.trim(), 1, Integer::sum);
            }
          }
        }
      }
      if (lastStepOfPreviousRun >= 0) {
        replayed.add(Math.max(0, lastStepOfPreviousRun - resumedAt));
      }
      lastStepOfPreviousRun = Math.max(lastInRun, resumedAt);
    }
    List<String> batches = new ArrayList<>();
    contrastive
        .entries()
        .forEach(e -> batches.add(coordinates(topics.contrastiveBatches().name(), e)));
    instruction
        .entries()
        .forEach(e -> batches.add(coordinates(topics.instructionBatches().name(), e)));
    // The trainer takes instruction batches at its interleaving ratio, so some wait unread: a gap
    // is
    // a batch before the furthest one stepped on in its partition that was neither stepped on nor
    // dead-lettered.
    Map<String, Long> furthest = new HashMap<>();
    for (String b : stepped.keySet()) {
      int at = b.lastIndexOf('@');
      furthest.merge(b.substring(0, at), Long.parseLong(b.substring(at + 1)), Math::max);
    }
    List<String> never =
        batches.stream()
            .filter(b -> !stepped.containsKey(b) && !deadLettered.contains(b))
            .filter(
                b -> {
                  int at = b.lastIndexOf('@');
                  return Long.parseLong(b.substring(at + 1))
                      < furthest.getOrDefault(b.substring(0, at), -1L);
                })
            .toList();
    List<String> twice =
        stepped.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    int trained =
        (int)
            contrastive.entries().stream()
                .filter(
                    e -> stepped.containsKey(coordinates(topics.contrastiveBatches().name(), e)))
                .count();
    return new Training(contrastive.entries().size(), trained, never, twice, replayed, lastStep);
  }

  /** "topic-partition@offset", as the trainer's log names a batch. */
  private static String coordinates(String topic, TopicSnapshot.Entry<?> e) {
    return coordinates(topic, e.partition(), e.offset());
  }

  private static String coordinates(String topic, int partition, long offset) {
    return topic + "-" + partition + "@" + offset;
  }
}
