package io.kalmstream.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the dashboard listens and how often it samples, shared by {@code kalm dashboard} and {@code
 * kalm local}.
 */
final class DashboardOptions {
  @Option(
      names = "--dashboard-host",
      paramLabel = "ADDRESS",
      defaultValue = "${env:KALM_DASHBOARD_HOST:-127.0.0.1}",
      description =
          "Address the dashboard listens on (0.0.0.0 in a container). Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--dashboard-port",
      paramLabel = "PORT",
      defaultValue = "${env:KALM_DASHBOARD_PORT:-8080}",
      description = "Port of the dashboard; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--dashboard-poll",
      paramLabel = "SECONDS",
      defaultValue = "2",
      description =
          "How often offsets, the trainer and the scorer are sampled. Default: ${DEFAULT-VALUE} s.")
  double pollSeconds;

  Duration pollInterval() {
    return Duration.ofMillis(Math.round(pollSeconds * 1000));
  }
}
