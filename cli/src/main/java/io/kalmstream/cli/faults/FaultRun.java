package io.kalmstream.cli.faults;

import io.kalmstream.cli.load.DatasetLoader;
import io.kalmstream.embedded.HttpReadiness;
import io.kalmstream.ingest.LocalFlink;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The SIGKILL fault run behind {@code kalm bench faults}: the embedded runtime, the ingest job, the
 * trainer and the scorer as separate {@code kalm} processes, a loader streaming a slice with
 * queries, and kills at seeded random moments, each followed by a pause and a restart; then the
 * stream drains and {@link FaultLedger} accounts for every input.
 */
public final class FaultRun {
  static final String BROKER = "broker";
  static final String INGEST = "ingest";
  static final String TRAINER = "trainer";
  static final String SCORER = "scorer";
  static final String LOADER = "loader";
  static final String JOB_MANAGER = "jobmanager";
  static final String TASK_MANAGER = "taskmanager";
  private static final Duration TRAILING_CHECKPOINT = Duration.ofSeconds(15);
  private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(4);
  private static final Pattern READY_LINE = Pattern.compile("kalm-runtime-ready (\\S+) (\\S+)");
  private static final Pattern TRAINER_SERVES =
      Pattern.compile("TrainingLoop - (resuming at step|step \\d+ loss)");

  /**
   * @param workDir deleted first; holds the runtime's data, the checkpoints and every log
   * @param triples training triples the loader streams
   * @param rate the loader's pace ("4/s")
   * @param queries link-prediction queries the loader spreads through the stream
   * @param killsPerProcess kills of each of broker, ingest, trainer and scorer
   * @param pairRound one more round that kills the ingest job and the scorer together
   * @param pause how long a killed process stays down
   * @param minGap shortest time between a recovery and the next kill
   * @param maxGap longest time between a recovery and the next kill
   * @param drainLimit how long the drain may take after the last round and the loader's end
   * @param ingestCheckpointInterval the ingest job's exactly-once checkpoint interval
   * @param trainerCheckpointEvery trainer checkpoint cadence in steps, so a kill retrains at most
   *     this many steps
   * @param layout where the ingest job runs and how many scorer instances share the queries
   */
  public record Settings(
      Path workDir,
      Path datasetDir,
      Path modelDir,
      int triples,
      String rate,
      int queries,
      int killsPerProcess,
      boolean pairRound,
      Duration pause,
      Duration minGap,
      Duration maxGap,
      long seed,
      Duration drainLimit,
      Duration ingestCheckpointInterval,
      int trainerCheckpointEvery,
      Layout layout) {
    public Settings {
      if (killsPerProcess < 0 || triples < 1 || queries < 0 || trainerCheckpointEvery < 1) {
        throw new IllegalArgumentException(
            "kills >= 0, triples >= 1, queries >= 0 and checkpoint steps >= 1 are required");
      }
      if (minGap.compareTo(maxGap) > 0) {
        throw new IllegalArgumentException("the shortest gap is longer than the longest");
      }
    }
  }

  /**
   * The processes behind the ingest job and the scorer.
   *
   * @param taskManagers 0: the job on a MiniCluster inside the {@code kalm ingest} process; more: a
   *     standalone Flink cluster of one JobManager and this many TaskManagers, the job submitted
   *     with {@code jobJar} through its REST API, and an ingest kill is a TaskManager's
   * @param scorers instances of the one scorer application; a scorer kill is one instance's
   * @param jobJar the shaded ingest job jar, for a cluster
   */
  public record Layout(int taskManagers, int scorers, Path jobJar) {
    /** Everything in one process per stage. */
    public static final Layout SINGLE = new Layout(0, 1, null);

    public Layout {
      if (taskManagers < 0 || scorers < 1 || (taskManagers > 0 && jobJar == null)) {
        throw new IllegalArgumentException(
            "taskManagers >= 0, scorers >= 1, and a job jar for a cluster are required");
      }
    }
  }

  /** One kill: when, whom, and how long until each victim served again. */
  public record Kill(
      int round,
      List<String> victims,
      List<String> processes,
      String at,
      Map<String, Double> recoverySeconds) {}

  /** The outcome: the kills, the ledger, and whether every check held. */
  public record Report(
      Settings settings,
      Instant started,
      double minutes,
      List<Kill> kills,
      FaultLedger.Summary ledger,
      List<Long> lastAnswerVersions,
      List<String> failures) {

    public boolean passed() {
      return failures.isEmpty();
    }

    /** Kills per process. */
    public Map<String, Integer> killsPerProcess() {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String p : List.of(BROKER, INGEST, TRAINER, SCORER)) {
        counts.put(p, (int) kills.stream().filter(k -> k.victims().contains(p)).count());
      }
      return counts;
    }

    /** The longest kill-to-serving time per process, in seconds. */
    public Map<String, Double> longestRecovery() {
      Map<String, Double> longest = new LinkedHashMap<>();
      for (Kill k : kills) {
        k.recoverySeconds().forEach((p, s) -> longest.merge(p, s, Math::max));
      }
      return longest;
    }
  }

  private final Settings settings;
  private final Path logDir;
  private final Random random;
  private final Map<String, KalmProcess> processes = new LinkedHashMap<>();

  /** The processes that stand for a role (several TaskManagers or scorers), and kills so far. */
  private final Map<String, List<String>> instances = new LinkedHashMap<>();

  private final Map<String, Integer> killsOf = new LinkedHashMap<>();
  private final Set<String> probeIds = new TreeSet<>();
  private KafkaConnection connection;
  private Topics topics;
  private AnswerWatch answers;
  private Producer<String, SpecificRecord> probes;
  private LinkPredictionQuery probeTemplate;

  /**
   * The drain's last probes, one on each partition of kg.queries so that every scorer instance
   * answers one; all answered by the newest version when the run settled.
   */
  private List<String> finalProbes = List.of();

  public FaultRun(Settings settings) {
    this.settings = settings;
    this.logDir = settings.workDir().resolve("logs");
    this.random = new Random(settings.seed());
  }

  public Report run(java.io.PrintStream progress) throws Exception {
    Instant started = Instant.now();
    deleteRecursively(settings.workDir());
    Files.createDirectories(logDir);
    List<Kill> kills = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    KalmProcess loader = null;
    // a run stopped with SIGTERM or Ctrl-C leaves no process behind
    Thread killAll = new Thread(this::killAll, "fault-run-stop");
    Runtime.getRuntime().addShutdownHook(killAll);
    try {
      startRuntime();
      topics = Topics.defaults();
      startStages();
      answers = new AnswerWatch(connection, topics.predictions().name());
      probes = DatasetLoader.producer(connection);
      probeTemplate = probeTemplate(settings.datasetDir());
      loader = process(LOADER, loaderArguments(), "1g");
      loader.start();

      List<List<String>> rounds = schedule();
      for (int round = 0; round < rounds.size(); round++) {
        sleep(gap());
        List<String> victims = rounds.get(round);
        Kill kill = kill(round + 1, victims, progress);
        kills.add(kill);
        if (kill.recoverySeconds().size() < victims.size()) {
          failures.add(
              "round "
                  + kill.round()
                  + ": "
                  + victims
                  + " did not serve again within "
                  + RECOVERY_LIMIT);
          break;
        }
      }
      progress.printf("kalm bench faults: %d rounds done; waiting for the loader%n", kills.size());
      awaitExit(loader, settings.drainLimit());
      if (loader.alive() || loader.exitCode() != 0) {
        failures.add("the loader did not finish cleanly (see " + loader.logs() + ")");
      }
      progress.println("kalm bench faults: draining");
      FaultLedger.Summary ledger = drain(progress);
      failures.addAll(checks(ledger));
      return new Report(
          settings,
          started,
          Duration.between(started, Instant.now()).toSeconds() / 60.0,
          kills,
          ledger,
          finalProbes.stream().map(answers::versionOf).toList(),
          failures);
    } finally {
      if (answers != null) {
        answers.close();
      }
      if (probes != null) {
        probes.close(Duration.ofSeconds(5));
      }
      Runtime.getRuntime().removeShutdownHook(killAll);
      if (loader != null) {
        loader.kill();
      }
      List<KalmProcess> stopping = new ArrayList<>(processes.values());
      Collections.reverse(stopping);
      for (KalmProcess p : stopping) {
        p.stop();
      }
    }
  }

  private void killAll() {
    for (KalmProcess p : processes.values()) {
      try {
        p.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** The rounds: each process {@code killsPerProcess} times, plus the pair, in seeded order. */
  private List<List<String>> schedule() {
    List<List<String>> rounds = new ArrayList<>();
    for (int i = 0; i < settings.killsPerProcess(); i++) {
      for (String p : List.of(BROKER, INGEST, TRAINER, SCORER)) {
        rounds.add(List.of(p));
      }
    }
    if (settings.pairRound()) {
      rounds.add(List.of(INGEST, SCORER));
    }
    Collections.shuffle(rounds, random);
    return rounds;
  }

  private Duration gap() {
    long min = settings.minGap().toMillis();
    long span = settings.maxGap().toMillis() - min;
    return Duration.ofMillis(min + (span == 0 ? 0 : (long) (random.nextDouble() * span)));
  }

  private Kill kill(int round, List<String> victims, java.io.PrintStream progress)
      throws Exception {
    Instant at = Instant.now();
    Map<String, BooleanSupplier> served = new LinkedHashMap<>();
    List<KalmProcess> killed = new ArrayList<>();
    for (String role : victims) {
      List<String> of = instances.getOrDefault(role, List.of(role));
      int n = killsOf.merge(role, 1, Integer::sum) - 1;
      KalmProcess p = processes.get(of.get(n % of.size()));
      p.kill();
      killed.add(p);
    }
    List<String> names = killed.stream().map(KalmProcess::name).toList();
    progress.printf("kalm bench faults: round %d: SIGKILL %s%n", round, names);
    sleep(settings.pause());
    for (int i = 0; i < victims.size(); i++) {
      served.put(victims.get(i), servingAgain(victims.get(i), killed.get(i)));
      killed.get(i).start();
    }
    Map<String, Double> recovery = new LinkedHashMap<>();
    long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
    while (recovery.size() < served.size() && System.nanoTime() < deadline) {
      for (Map.Entry<String, BooleanSupplier> e : served.entrySet()) {
        if (!recovery.containsKey(e.getKey()) && e.getValue().getAsBoolean()) {
          double seconds = Duration.between(at, Instant.now()).toMillis() / 1000.0;
          recovery.put(e.getKey(), seconds);
          progress.printf(
              "kalm bench faults: round %d: %s serves again %.1f s after the kill%n",
              round, e.getKey(), seconds);
        }
      }
      Thread.sleep(250);
    }
    return new Kill(round, victims, names, at.toString(), recovery);
  }

  /**
   * When a restarted process serves again: the runtime prints its ready line; the ingest job
   * completes a checkpoint (its outputs become visible); the trainer resumes or steps; the scorer
   * answers a probe query sent after its restart.
   */
  private BooleanSupplier servingAgain(String role, KalmProcess p) {
    Instant restartedAt = Instant.now();
    return switch (role) {
      case BROKER -> () -> !p.currentMatches(READY_LINE).isEmpty();
      case INGEST -> {
        Path checkpoints = settings.workDir().resolve("ingest-checkpoints");
        yield () ->
            LocalFlink.latestCheckpoint(checkpoints)
                .map(c -> modifiedAfter(c.resolve("_metadata"), restartedAt))
                .orElse(false);
      }
      case TRAINER -> () -> !p.currentMatches(TRAINER_SERVES).isEmpty();
      case SCORER -> {
        String probe = "fault-probe-" + (probeIds.size() + 1);
        // sent once: the query waits in kg.queries until a scorer instance reads it
        sendProbe(probe);
        yield () -> answers.versionOf(probe) != null;
      }
      default -> throw new IllegalArgumentException(role);
    };
  }

  private void startRuntime() throws Exception {
    int kafkaPort = freePort();
    int registryPort = freePort();
    KalmProcess runtime =
        process(
            BROKER,
            List.of(
                "runtime",
                "--work-dir",
                settings.workDir().resolve("runtime").toString(),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--registry-port",
                Integer.toString(registryPort)),
            "1g");
    runtime.start();
    long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
    while (runtime.currentMatches(READY_LINE).isEmpty()) {
      if (!runtime.alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the runtime did not start; see " + runtime.logs());
      }
      Thread.sleep(250);
    }
    Matcher ready = runtime.currentMatches(READY_LINE).get(0);
    connection = KafkaConnection.plaintext(ready.group(1), ready.group(2));
  }

  private void startStages() throws Exception {
    List<String> kafka =
        List.of(
            "--bootstrap-servers",
            connection.bootstrapServers(),
            "--registry-url",
            connection.registry().url());
    Path work = settings.workDir();
    Layout layout = settings.layout();
    List<String> ingest = new ArrayList<>(List.of(INGEST));
    ingest.addAll(kafka);
    ingest.addAll(
        List.of(
            "--checkpoint-dir",
            work.resolve("ingest-checkpoints").toString(),
            "--checkpoint-interval",
            settings.ingestCheckpointInterval().toMillis() + "ms",
            "--no-create-topics"));
    if (layout.taskManagers() > 0) {
      ingest.addAll(startFlinkCluster(layout.taskManagers()));
      ingest.addAll(List.of("--job-jar", layout.jobJar().toString()));
    }
    List<String> trainer = new ArrayList<>(List.of("train"));
    trainer.addAll(kafka);
    trainer.addAll(
        List.of(
            "--model",
            settings.modelDir().toString(),
            "--out",
            work.resolve("checkpoints").toString(),
            "--checkpoint-every",
            Integer.toString(settings.trainerCheckpointEvery()),
            // the steps after the last full interval become durable once the stream goes quiet,
            // so the drain can wait for the scorer to serve the trainer's final state
            "--checkpoint-seconds",
            Long.toString(TRAILING_CHECKPOINT.toSeconds()),
            "--keep",
            "1000000",
            "--idle-replay",
            "0",
            "--log-every",
            "1",
            "--metrics-port",
            "-1"));
    process(INGEST, ingest, "2g").start();
    process(TRAINER, trainer, "3g").start();
    List<String> scorers = new ArrayList<>();
    for (int i = 1; i <= layout.scorers(); i++) {
      String name = layout.scorers() == 1 ? SCORER : SCORER + "-" + i;
      List<String> scorer = new ArrayList<>(List.of("score"));
      scorer.addAll(kafka);
      scorer.addAll(
          List.of(
              "--model",
              settings.modelDir().toString(),
              "--checkpoint-root",
              work.resolve("checkpoints").toString(),
              // instances of one application keep their own state
              "--state-dir",
              work.resolve("scorer-state").resolve(name).toString(),
              "--http-port",
              "-1"));
      process(name, scorer, "2g").start();
      scorers.add(name);
    }
    instances.put(SCORER, scorers);
  }

  /**
   * A JobManager and TaskManagers ({@code kalm flink}) on free ports; returns the {@code kalm
   * ingest} options that submit to it, once its REST endpoint answers.
   */
  private List<String> startFlinkCluster(int taskManagers) throws Exception {
    Path flink = settings.workDir().resolve("flink");
    int restPort = freePort();
    List<String> cluster =
        List.of(
            "--rpc-port", Integer.toString(freePort()), "--rest-port", Integer.toString(restPort));
    List<String> jobManager = new ArrayList<>(List.of("flink", JOB_MANAGER));
    jobManager.addAll(cluster);
    jobManager.addAll(List.of("--conf-dir", flink.resolve(JOB_MANAGER).toString()));
    KalmProcess jm = process(JOB_MANAGER, jobManager, "768m");
    jm.start();
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= taskManagers; i++) {
      String name = TASK_MANAGER + "-" + i;
      List<String> taskManager = new ArrayList<>(List.of("flink", TASK_MANAGER));
      taskManager.addAll(cluster);
      taskManager.addAll(
          List.of(
              "--conf-dir",
              flink.resolve(name).toString(),
              "--slots",
              "2",
              "--process-memory",
              "1536m"));
      process(name, taskManager, "1g").start();
      names.add(name);
    }
    instances.put(INGEST, names);
    URI rest = URI.create("http://127.0.0.1:" + restPort);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + RECOVERY_LIMIT.toNanos();
    while (!HttpReadiness.answers(http, rest.resolve("/overview"))) {
      if (!jm.alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the JobManager did not start; see " + jm.logs());
      }
      Thread.sleep(500);
    }
    return List.of("--flink-rest", rest.toString());
  }

  private List<String> loaderArguments() {
    return List.of(
        "load",
        "--bootstrap-servers",
        connection.bootstrapServers(),
        "--registry-url",
        connection.registry().url(),
        "--dataset",
        settings.datasetDir().toString(),
        "--train-limit",
        Integer.toString(settings.triples()),
        "--rate",
        settings.rate(),
        "--queries",
        Integer.toString(settings.queries()),
        "--eval-limit",
        "50",
        // the scorer indexes what the stream names, not all 40k WN18RR entities
        "--entities",
        "referenced",
        "--seed",
        Long.toString(settings.seed()));
  }

  private KalmProcess process(String name, List<String> arguments, String heap) {
    KalmProcess p = new KalmProcess(name, arguments, heap, logDir);
    processes.put(name, p);
    return p;
  }

  /**
   * Waits until every triple is accounted for, every query answered, the trainer stepped on the
   * last contrastive batch, and the scorer answers with the newest announced version; at most
   * {@link Settings#drainLimit()}. Returns the last ledger read.
   */
  private FaultLedger.Summary drain(java.io.PrintStream progress) throws Exception {
    long deadline = System.nanoTime() + settings.drainLimit().toNanos();
    FaultLedger.Summary ledger;
    int round = 0;
    while (true) {
      ledger = ledger();
      boolean settled =
          ledger.triples().unaccounted().isEmpty()
              && ledger.queries().missing().isEmpty()
              && ledger.training().contrastiveTrained() == ledger.training().contrastiveBatches()
              && ledger.checkpoints().unannounced().isEmpty()
              // the trainer's last step is in an announced checkpoint: no newer one is coming
              && ledger.checkpoints().newestAnnounced() >= ledger.training().lastStep();
      if (settled) {
        // a probe answered with the newest announced version shows the scorer caught up
        round++;
        finalProbes = new ArrayList<>();
        for (int partition = 0; partition < queryPartitions(); partition++) {
          String id = "fault-probe-final-" + round + "-p" + partition;
          finalProbes.add(id);
          sendProbe(id, partition);
        }
        long answerDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (oldestFinalAnswer() == null && System.nanoTime() < answerDeadline) {
          Thread.sleep(250);
        }
        Long version = oldestFinalAnswer();
        if (version != null && version >= ledger.checkpoints().newestAnnounced()) {
          break;
        }
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      progress.printf(
          "kalm bench faults: draining: %d of %d triples accounted, %d of %d queries answered,"
              + " %d of %d contrastive batches trained%n",
          ledger.triples().produced() - ledger.triples().unaccounted().size(),
          ledger.triples().produced(),
          ledger.queries().answered(),
          ledger.queries().sent(),
          ledger.training().contrastiveTrained(),
          ledger.training().contrastiveBatches());
      Thread.sleep(10_000);
    }
    return ledger();
  }

  private FaultLedger.Summary ledger() {
    List<List<String>> trainerLogs = processes.get(TRAINER).logLines();
    return FaultLedger.read(
        connection, topics, settings.workDir().resolve("checkpoints"), trainerLogs, probeIds);
  }

  private List<String> checks(FaultLedger.Summary ledger) {
    List<String> failures = new ArrayList<>();
    FaultLedger.Triples t = ledger.triples();
    if (!t.unaccounted().isEmpty()) {
      failures.add(t.unaccounted().size() + " triples unaccounted, e.g. " + first(t.unaccounted()));
    }
    if (!t.inTwoClasses().isEmpty()) {
      failures.add(
          t.inTwoClasses().size() + " triples in two classes, e.g. " + first(t.inTwoClasses()));
    }
    if (!t.trainedTwice().isEmpty()) {
      failures.add(
          t.trainedTwice().size() + " triples in two batches, e.g. " + first(t.trainedTwice()));
    }
    FaultLedger.Queries q = ledger.queries();
    if (!q.missing().isEmpty()) {
      failures.add(q.missing().size() + " queries unanswered, e.g. " + first(q.missing()));
    }
    if (!q.duplicated().isEmpty()) {
      failures.add(
          q.duplicated().size() + " queries answered twice, e.g. " + first(q.duplicated()));
    }
    FaultLedger.Checkpoints c = ledger.checkpoints();
    if (!c.unannounced().isEmpty()) {
      failures.add("durable checkpoints never announced: " + c.unannounced());
    }
    if (c.regressions() > 0) {
      failures.add(c.regressions() + " announcements went back in version");
    }
    Long finalVersion = oldestFinalAnswer();
    if (finalVersion == null || finalVersion < c.newestAnnounced()) {
      failures.add(
          "the last probes on every kg.queries partition were answered by versions "
              + finalProbes.stream().map(answers::versionOf).toList()
              + ", not all by the newest announced "
              + c.newestAnnounced());
    }
    FaultLedger.Training tr = ledger.training();
    if (!tr.neverTrained().isEmpty()) {
      failures.add("the trainer skipped batches: " + first(tr.neverTrained()));
    }
    if (tr.contrastiveTrained() < tr.contrastiveBatches()) {
      failures.add(
          tr.contrastiveTrained()
              + " of "
              + tr.contrastiveBatches()
              + " contrastive batches trained");
    }
    long worstReplay =
        tr.replayedStepsPerRestart().stream().mapToLong(Long::longValue).max().orElse(0);
    if (worstReplay > settings.trainerCheckpointEvery()) {
      failures.add(
          "a restart retrained "
              + worstReplay
              + " steps, more than one checkpoint interval ("
              + settings.trainerCheckpointEvery()
              + ")");
    }
    return failures;
  }

  private void sendProbe(String id) {
    sendProbe(id, null);
  }

  /** A probe query, on {@code partition} or (null) the partition of its key. */
  private void sendProbe(String id, Integer partition) {
    LinkPredictionQuery query =
        LinkPredictionQuery.newBuilder(probeTemplate).setQueryId(id).build();
    probeIds.add(id);
    probes.send(new ProducerRecord<>(topics.queries().name(), partition, id, query));
    probes.flush();
  }

  private int queryPartitions() {
    return probes.partitionsFor(topics.queries().name()).size();
  }

  /** The oldest version among the answers to the final probes; null while one is unanswered. */
  private Long oldestFinalAnswer() {
    Long oldest = null;
    for (String id : finalProbes) {
      Long version = answers.versionOf(id);
      if (version == null) {
        return null;
      }
      oldest = oldest == null ? version : Math.min(oldest, version);
    }
    return oldest;
  }

  /** A tail query on the first test triple of the dataset. */
  private static LinkPredictionQuery probeTemplate(Path datasetDir) throws IOException {
    try (Stream<String> lines =
        Files.lines(datasetDir.resolve("test.tsv"), StandardCharsets.UTF_8)) {
      String[] triple = lines.filter(l -> !l.isBlank()).findFirst().orElseThrow().split("\t");
      return LinkPredictionQuery.newBuilder()
          .setQueryId("template")
          .setEntityId(triple[0])
          .setRelation(triple[1])
          .setK(10)
          .build();
    }
  }

  private static String first(List<?> items) {
    return items.subList(0, Math.min(3, items.size())).toString();
  }

  private static boolean modifiedAfter(Path file, Instant instant) {
    try {
      return Files.getLastModifiedTime(file).toInstant().isAfter(instant);
    } catch (IOException gone) {
      return false;
    }
  }

  private static void awaitExit(KalmProcess p, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (p.alive() && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
  }

  private static void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Collections.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
