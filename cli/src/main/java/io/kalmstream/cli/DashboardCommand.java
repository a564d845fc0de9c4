package io.kalmstream.cli;

import io.kalmstream.cli.dashboard.Dashboard;
import io.kalmstream.schemas.kafka.KafkaConnection;
import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    description =
        "Serve the live dashboard for a pipeline whose processes run elsewhere (kalm local starts its own).")
final class DashboardCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;
  @Mixin DashboardOptions dashboard;

  @Option(
      names = "--scorer-url",
      paramLabel = "URL",
      defaultValue = "${env:KALM_SCORER_URL:-http://127.0.0.1:8082}",
      description = "Base URL of the scorer's HTTP endpoints. Default: ${DEFAULT-VALUE}.")
  String scorerUrl;

  @Option(
      names = "--trainer-metrics-url",
      paramLabel = "URL",
      defaultValue = "${env:KALM_TRAINER_METRICS_URL}",
      description =
          "The trainer's Prometheus endpoint, for loss and temperature between checkpoints "
              + "(e.g. http://trainer:9400/metrics). Without it the training chart shows the checkpoints' metrics.")
  URI trainerMetricsUrl;

  @Override
  public Integer call() throws Exception {
    KafkaConnection connection = kafka.checkedConnection();
    CountDownLatch stopped = new CountDownLatch(1);
    try (Dashboard d =
        Dashboard.start(
            new Dashboard.Settings(
                dashboard.host,
                dashboard.port,
                connection,
                kafka.topics(),
                scorerUrl,
                trainerMetricsUrl == null ? null : Dashboard.prometheusAt(trainerMetricsUrl),
                dashboard.pollInterval()))) {
      System.err.println("kalm dashboard: open " + d.url() + " (Ctrl-C to stop)");
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "kalm-dashboard-stop"));
      stopped.await();
    }
    return 0;
  }
}
