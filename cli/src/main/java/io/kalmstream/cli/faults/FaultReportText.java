package io.kalmstream.cli.faults;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The fault run's report as a Markdown table (printed and saved) and as JSON fields. */
public final class FaultReportText {
  private FaultReportText() {}

  public static String table(
      FaultRun.Report report, String machine, double loadBefore, double loadAfter) {
    FaultLedger.Summary l = report.ledger();
    FaultLedger.Triples t = l.triples();
    FaultLedger.Queries q = l.queries();
    FaultLedger.Checkpoints c = l.checkpoints();
    FaultLedger.Training tr = l.training();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "kalm bench faults, %s: %.1f min on %s, load average %.1f before and %.1f after%n%n",
            report.started(),
            report.minutes(),
            machine,
            loadBefore,
            loadAfter));
    FaultRun.Layout layout = report.settings().layout();
    s.append(
        String.format(
            Locale.ROOT,
            "ingest on %s; %d scorer instance(s)%s%n%n",
            layout.taskManagers() == 0
                ? "a MiniCluster in the kalm ingest process"
                : "a standalone Flink cluster of 1 JobManager and "
                    + layout.taskManagers()
                    + " TaskManagers (an ingest kill is a TaskManager's)",
            layout.scorers(),
            layout.scorers() > 1 ? " (a scorer kill is one instance's)" : ""));
    s.append("| process | SIGKILLs | longest kill → serving again (s) |\n|---|---|---|\n");
    Map<String, Double> longest = report.longestRecovery();
    report
        .killsPerProcess()
        .forEach(
            (p, n) ->
                s.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %d | %s |%n",
                        p,
                        n,
                        longest.containsKey(p)
                            ? String.format(Locale.ROOT, "%.1f", longest.get(p))
                            : "-")));
    s.append("\n| check | figure |\n|---|---|\n");
    row(s, "triples produced", t.produced());
    row(
        s,
        "trained / held out / retracted / dead-lettered",
        t.trained() + " / " + t.heldOut() + " / " + t.retracted() + " / " + t.deadLettered());
    row(s, "triples unaccounted", t.unaccounted().size());
    row(
        s,
        "triples in two classes or two batches",
        t.inTwoClasses().size() + t.trainedTwice().size());
    row(s, "queries sent (loader + probes)", q.sent());
    row(s, "queries answered", q.answered());
    row(s, "queries missing", q.missing().size());
    row(s, "queries answered twice", q.duplicated().size());
    row(s, "checkpoints durable / announced", c.durable() + " / " + c.announced());
    row(s, "durable checkpoints unannounced", c.unannounced().size());
    row(s, "announcements going back in version", c.regressions());
    row(
        s,
        "newest announced version / versions of the last answers (a probe per kg.queries partition)",
        c.newestAnnounced() + " / " + report.lastAnswerVersions());
    row(
        s,
        "contrastive batches / trained",
        tr.contrastiveBatches() + " / " + tr.contrastiveTrained());
    row(s, "batches skipped by the trainer (gaps)", tr.neverTrained().size());
    row(s, "batches trained again after a trainer kill", tr.trainedTwice().size());
    row(s, "steps retrained per trainer restart", tr.replayedStepsPerRestart());
    s.append('\n');
    s.append(report.passed() ? "PASSED: every check held\n" : "FAILED:\n");
    report.failures().forEach(f -> s.append("- ").append(f).append('\n'));
    return s.toString();
  }

  public static Map<String, Object> json(FaultRun.Report report, Map<String, Object> machine) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("date", report.started().toString());
    json.put("minutes", report.minutes());
    json.put("machine", machine);
    json.put("settings", report.settings().toString());
    json.put("kills_per_process", report.killsPerProcess());
    json.put("longest_recovery_seconds", report.longestRecovery());
    json.put("kills", report.kills());
    json.put("ledger", report.ledger());
    json.put("last_answer_versions", report.lastAnswerVersions());
    json.put("passed", report.passed());
    json.put("failures", report.failures());
    return json;
  }

  private static void row(StringBuilder s, String name, Object value) {
    s.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }
}
