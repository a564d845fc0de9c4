package io.kalmstream.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The short fault run: the runtime, the ingest job, the trainer and the scorer as separate
 * processes, each killed with SIGKILL once mid-stream and restarted; every triple, query, batch and
 * checkpoint is accounted for afterwards.
 */
@Tag("e2e")
class FaultRunTest {

  @Test
  void oneSigkillOfEachProcessLosesAndDuplicatesNothing() throws Exception {
    Path shared = Path.of(System.getProperty("kalm.shared.dir"));
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "faults-");
    FaultRun.Settings settings =
        new FaultRun.Settings(
            work,
            shared.resolve("datasets/wn18rr"),
            shared.resolve("models/stories260K-hf"),
            200,
            "5/s",
            12,
            1,
            false,
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            Duration.ofSeconds(6),
            5,
            Duration.ofMinutes(6),
            Duration.ofSeconds(2),
            4,
            FaultRun.Layout.SINGLE);

    FaultRun.Report report = new FaultRun(settings).run(System.out);

    System.out.print(FaultReportText.table(report, "test", 0, 0));
    assertEquals(
        Map.of(FaultRun.BROKER, 1, FaultRun.INGEST, 1, FaultRun.TRAINER, 1, FaultRun.SCORER, 1),
        report.killsPerProcess());
    assertEquals(4, report.longestRecovery().size(), "every process served again");
    assertTrue(report.passed(), "failures: " + report.failures());
    FaultLedger.Triples triples = report.ledger().triples();
    assertEquals(200, triples.produced());
    assertEquals(
        triples.produced(),
        triples.trained() + triples.heldOut() + triples.retracted() + triples.deadLettered());
    assertTrue(report.ledger().queries().sent() > 12, "the loader's queries and the probes");
    assertTrue(report.ledger().checkpoints().announced() > 0);
  }

  /**
   * The scale-out layout: the ingest job submitted through REST to a standalone cluster of one
   * JobManager and two TaskManagers, two scorer instances of one application; one TaskManager and
   * one scorer are killed together mid-stream.
   */
  @Test
  void aTaskManagerAndAScorerInstanceKilledTogetherLoseAndDuplicateNothing() throws Exception {
    Path shared = Path.of(System.getProperty("kalm.shared.dir"));
    Path jobJar =
        Path.of(System.getProperty("kalm.project.dir"), "ingest/target/kalm-ingest-job.jar");
    assertTrue(
        Files.isRegularFile(jobJar),
        jobJar + " is built by the e2e profile (mvn -Pe2e package, or scripts/test -Pe2e)");
    Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "faults-cluster-");
    FaultRun.Settings settings =
        new FaultRun.Settings(
            work,
            shared.resolve("datasets/wn18rr"),
            shared.resolve("models/stories260K-hf"),
            200,
            "5/s",
            12,
            0,
            true,
            Duration.ofSeconds(2),
            Duration.ofSeconds(15),
            Duration.ofSeconds(20),
            7,
            Duration.ofMinutes(6),
            Duration.ofSeconds(2),
            4,
            new FaultRun.Layout(2, 2, jobJar));

    FaultRun.Report report = new FaultRun(settings).run(System.out);

    System.out.print(FaultReportText.table(report, "test", 0, 0));
    assertEquals(1, report.kills().size());
    assertTrue(
        report.kills().get(0).processes().containsAll(List.of("taskmanager-1", "scorer-1")),
        "killed " + report.kills().get(0).processes());
    assertEquals(2, report.longestRecovery().size(), "the job and the scorers served again");
    assertTrue(report.passed(), "failures: " + report.failures());
    assertEquals(200, report.ledger().triples().produced());
  }
}
