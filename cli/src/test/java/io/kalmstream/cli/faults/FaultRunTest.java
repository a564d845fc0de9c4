package io.kalmstream.cli.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
            4);

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
}
