package io.kalmstream.cli;

import io.kalmstream.embedded.ApicurioRegistry;
import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded broker and registry as a process of their own, for pipelines whose stages run as
 * separate {@code kalm ingest|train|score} processes (and {@code kalm bench faults}, which kills
 * it). Fixed ports and a kept directory make a restart the same cluster to its clients.
 */
@Command(
    name = "runtime",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run the embedded Kafka broker (KRaft) and schema registry until stopped, on loopback, with their data "
          + "under --work-dir; a restart on the same directory resumes the same cluster on the same ports.",
      "Prints one line '"
          + RuntimeCommand.READY
          + " <bootstrap servers> <registry URL>' once both serve."
    })
final class RuntimeCommand implements Callable<Integer> {
  /** The first word of the line printed once the broker and the registry serve. */
  static final String READY = "kalm-runtime-ready";

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      defaultValue = ".kalm/runtime",
      description = "Data of the broker and the registry. Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description = "Port of the broker's client listener on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int kafkaPort;

  @Option(
      names = "--registry-port",
      paramLabel = "PORT",
      defaultValue = "8081",
      description = "Port of the schema registry on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int registryPort;

  @Option(
      names = "--create-topics",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Create the pipeline's missing topics (DESIGN.md's partitions and policies). Default: true.")
  boolean createTopics;

  @Override
  public Integer call() throws Exception {
    KafkaAndRegistry runtime =
        KafkaAndRegistry.start(
            workDir.toAbsolutePath(),
            kafkaPort,
            ApicurioRegistry.Options.defaults().withPort(registryPort));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.close();
                  stopped.countDown();
                },
                "kalm-runtime-stop"));
    if (createTopics) {
      runtime.createTopics(Topics.defaults().newTopics((short) 1));
    }
    System.out.println(READY + " " + runtime.bootstrapServers() + " " + runtime.registryUrl());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
