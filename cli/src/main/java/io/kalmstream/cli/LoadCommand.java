package io.kalmstream.cli;

import io.kalmstream.batching.KgDataset;
import io.kalmstream.batching.KgDatasetReader;
import io.kalmstream.cli.load.DatasetLoader;
import io.kalmstream.cli.load.LoadPlan;
import io.kalmstream.cli.load.LoadSlice;
import io.kalmstream.cli.load.ProgressBar;
import io.kalmstream.embedded.TopicCreator;
import io.kalmstream.schemas.kafka.KafkaConnection;
import io.kalmstream.schemas.kafka.Topics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = {
      "Produce a KG-BERT-layout dataset to Kafka as a stream: relation and entity descriptions, the "
          + "test split to the eval topic, then the training triples at --rate with a sample of the test split as "
          + "link-prediction queries spread through them.",
      "Works against any Kafka cluster and Confluent-API schema registry."
    })
final class LoadCommand implements Callable<Integer> {
  static final Rate DEFAULT_RATE = new Rate(50);

  @Mixin KafkaOptions kafka;
  @Mixin DatasetDirOption dataset;
  @Mixin LoadOptions load;

  @Option(
      names = "--create-topics",
      description = "Create the pipeline's topics that are missing first.")
  boolean createTopics;

  @Option(
      names = "--replication-factor",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Replication factor of topics created by --create-topics (default: ${DEFAULT-VALUE}).")
  short replicationFactor;

  @Override
  public Integer call() throws Exception {
    Path dir = dataset.datasetDir();
    KgDataset data = KgDatasetReader.read(dir);
    LoadPlan plan = LoadPlan.of(data, load.slice(LoadSlice.everything()));
    Rate rate = load.rate(DEFAULT_RATE);
    Topics topics = kafka.topics();
    KafkaConnection connection = kafka.checkedConnection();
    if (createTopics) {
      try (Admin admin = Admin.create(connection.clientConfig())) {
        TopicCreator.createMissing(admin, topics.newTopics(replicationFactor));
      }
    }
    System.err.printf(
        "kalm load: %s -> %s (registry %s): %d relations, %d entities, %d eval triples, "
            + "%d training triples at %s, %d queries%n",
        dir,
        kafka.bootstrapServers,
        kafka.registryUrl,
        plan.relations().size(),
        plan.entities().size(),
        plan.eval().size(),
        plan.train().size(),
        rate,
        plan.queries().size());
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread onCtrlC =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "kalm-load-stop");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try (Producer<String, SpecificRecord> producer = DatasetLoader.producer(connection)) {
      DatasetLoader.Summary summary =
          new DatasetLoader(producer, topics, ProgressBar.forStderr())
              .load(plan, rate.perSecond(), stop::get);
      return summary.stopped() ? 130 : 0;
    } finally {
      finished.countDown();
    }
  }
}
