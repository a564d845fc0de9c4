package io.kalmstream.cli;

import picocli.CommandLine.Option;

/**
 * The interface a process's HTTP endpoints listen on: loopback unless a deployment opens them on
 * purpose.
 */
final class HttpBindOption {
  @Option(
      names = "--http-bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:KALM_HTTP_BIND:-127.0.0.1}",
      description =
          "Interface of the HTTP endpoints (/metrics, /api); 0.0.0.0 serves all of them, as in a "
              + "container. Default: $KALM_HTTP_BIND, else ${DEFAULT-VALUE}.")
  String bindAddress;
}
