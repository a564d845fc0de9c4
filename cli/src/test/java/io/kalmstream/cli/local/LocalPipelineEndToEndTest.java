package io.kalmstream.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kalmstream.cli.load.DatasetLoader;
import io.kalmstream.cli.load.LoadSlice;
import io.kalmstream.cli.testing.CommittedRecords;
import io.kalmstream.schemas.CheckpointPublished;
import io.kalmstream.schemas.ContrastiveBatch;
import io.kalmstream.schemas.InstructionBatch;
import io.kalmstream.schemas.LinkPredictionAnswer;
import io.kalmstream.schemas.LinkPredictionQuery;
import io.kalmstream.schemas.ModelQualityMetric;
import io.kalmstream.schemas.kafka.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code kalm local --secured}'s pipeline on a small slice of WN18RR with stories260K, everything
 * real: the embedded broker with SASL/PLAIN over TLS as its only listeners, the registry behind
 * HTTPS with basic authentication, the ingest job on a Flink MiniCluster, the DJL trainer, the
 * Kafka Streams scorer, the dashboard, headless Chromium looking at it, and {@code kalm query}
 * connecting with a client properties file.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalPipelineEndToEndTest {
  private static final Duration PATIENCE = Duration.ofMinutes(12);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private final Topics topics = Topics.defaults();
  private Path workDir;
  private LocalPipeline pipeline;

  @BeforeAll
  void startPipeline() throws Exception {
    Path shared = Path.of(System.getProperty("kalm.shared.dir"));
    workDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "local-e2e-");
    LocalSettings settings =
        new LocalSettings(
            workDir,
            shared.resolve("models/stories260K-hf"),
            shared.resolve("datasets/wn18rr"),
            true,
            new LoadSlice(300, 40, 20, 7L, LoadSlice.EntityScope.REFERENCED),
            20,
            LocalPipeline.ingestConfig(8, 2),
            LocalSettings.trainerSettings(5),
            4,
            Duration.ofSeconds(60),
            40,
            0,
            "127.0.0.1",
            0,
            Duration.ofSeconds(1),
            true);
    pipeline = LocalPipeline.start(settings);
  }

  @AfterAll
  void stopPipeline() {
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void batchesCheckpointsSwapPredictionsAndMetricsFlow() throws Exception {
    awaitTrue(
        () -> count(topics.checkpoints().name(), CheckpointPublished.class) >= 2,
        "two checkpoints published");
    assertTrue(
        count(topics.contrastiveBatches().name(), ContrastiveBatch.class) > 0,
        "contrastive batches");
    assertTrue(
        count(topics.instructionBatches().name(), InstructionBatch.class) > 0,
        "instruction batches");
    awaitTrue(
        () ->
            values(topics.predictions().name(), LinkPredictionAnswer.class).stream()
                .anyMatch(a -> a.getError() == null && a.getCandidates().size() == 10),
        "the loader's queries answered");

    long newest =
        values(topics.checkpoints().name(), CheckpointPublished.class).stream()
            .mapToLong(CheckpointPublished::getVersion)
            .max()
            .orElseThrow();
    awaitTrue(() -> scorerVersion() >= newest, "the scorer answers with checkpoint " + newest);

    // A query sent now is answered on kg.predictions by the checkpoint the scorer swapped to.
    LinkPredictionQuery query =
        LinkPredictionQuery.newBuilder()
            .setQueryId("e2e-after-swap")
            .setEntityId(firstPredictedEntity())
            .setRelation("_hypernym")
            .setK(10)
            .build();
    try (Producer<String, SpecificRecord> producer =
        DatasetLoader.producer(pipeline.connection())) {
      producer.send(new ProducerRecord<>(topics.queries().name(), query.getQueryId(), query)).get();
    }
    awaitTrue(() -> answerTo(query.getQueryId()) != null, "the answer to " + query.getQueryId());
    LinkPredictionAnswer answer = answerTo(query.getQueryId());
    assertEquals(null, answer.getError());
    assertEquals(10, answer.getCandidates().size());
    assertTrue(
        answer.getModelVersion() >= newest, "answered by version " + answer.getModelVersion());

    awaitTrue(
        () ->
            values(topics.metrics().name(), ModelQualityMetric.class).stream()
                .anyMatch(m -> m.getName().equals("mrr") && m.getModelVersion() > 0),
        "an MRR of a trained version");
  }

  private LinkPredictionAnswer answerTo(String queryId) {
    return values(topics.predictions().name(), LinkPredictionAnswer.class).stream()
        .filter(a -> a.getQueryId().equals(queryId))
        .findFirst()
        .orElse(null);
  }

  @Test
  @Order(2)
  void theDashboardShowsLiveChartsAndAnswersAQuery() throws Exception {
    WebDriver browser = headlessChromium();
    try {
      browser.get(pipeline.dashboardUrl());
      JavascriptExecutor js = (JavascriptExecutor) browser;
      WebDriverWait wait =
          new WebDriverWait(browser, Duration.ofMinutes(2), Duration.ofMillis(500));
      for (String chart :
          List.of(
              "chart-quality",
              "chart-anisotropy",
              "chart-training",
              "chart-throughput",
              "chart-lag")) {
        wait.withMessage("points on " + chart)
            .until(
                d ->
                    ((Number)
                                js.executeScript(
                                    "const c = Chart.getChart(arguments[0]);"
                                        + "return c ? c.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0;",
                                    chart))
                            .intValue()
                        > 0);
      }
      wait.withMessage("recent predictions")
          .until(
              d ->
                  d.findElements(By.cssSelector("#predictions tbody tr")).size() > 0
                      && d.findElements(By.cssSelector("#predictions tbody td.empty")).isEmpty());
      wait.withMessage("relations in the query box")
          .until(d -> new Select(d.findElement(By.id("query-relation"))).getOptions().size() > 1);

      String entity = firstPredictedEntity();
      browser.findElement(By.id("query-entity")).sendKeys(entity);
      new Select(browser.findElement(By.id("query-relation"))).selectByValue("_hypernym");
      browser.findElement(By.id("query-submit")).click();
      wait.withMessage("ten answers")
          .until(d -> d.findElements(By.cssSelector("#query-results li")).size() == 10);
      List<WebElement> answers = browser.findElements(By.cssSelector("#query-results li"));
      assertEquals(10, answers.size());
      assertTrue(browser.findElement(By.id("query-meta")).getText().contains("answered by"));

      Path shot = Path.of("target", "dashboard.png");
      Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
      assertTrue(Files.size(shot) > 10_000, "a screenshot of the page");
    } finally {
      browser.quit();
    }
  }

  @Test
  @Order(3)
  void kalmQueryConnectsWithAPropertiesFileAndAWrongPasswordFailsFast() throws Exception {
    Path good =
        clientConfig(
            "good.properties",
            pipeline.connection().clientProperties().asMap(),
            pipeline.connection().registry().toMap());
    String entity = firstPredictedEntity();
    Run answered =
        kalm(
            "query",
            "--bootstrap-servers",
            pipeline.bootstrapServers(),
            "--registry-url",
            pipeline.registryUrl(),
            "--kafka-config",
            good.toString(),
            "--entity",
            entity,
            "--relation",
            "_hypernym");
    assertEquals(0, answered.exit(), answered.err());
    assertTrue(answered.out().startsWith("model version "), answered.out());
    assertEquals(
        11, answered.out().lines().count(), "a header and ten candidates: " + answered.out());

    Map<String, String> wrongKafka =
        new java.util.HashMap<>(pipeline.connection().clientProperties().asMap());
    wrongKafka.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"kalm\" password=\"wrong\";");
    long started = System.nanoTime();
    Run refused =
        kalm(
            "query",
            "--bootstrap-servers",
            pipeline.bootstrapServers(),
            "--registry-url",
            pipeline.registryUrl(),
            "--kafka-config",
            clientConfig(
                    "wrong-kafka.properties", wrongKafka, pipeline.connection().registry().toMap())
                .toString(),
            "--entity",
            entity,
            "--relation",
            "_hypernym");
    assertEquals(3, refused.exit(), refused.out() + refused.err());
    assertTrue(refused.err().contains("refused the login"), refused.err());
    assertTrue(!refused.err().contains("wrong"), "the password is not echoed: " + refused.err());
    assertTrue(System.nanoTime() - started < Duration.ofSeconds(30).toNanos(), "no hang");

    Map<String, String> wrongRegistry =
        new java.util.HashMap<>(pipeline.connection().registry().toMap());
    wrongRegistry.put("basic.auth.user.info", "kalm:wrong");
    Run unauthorised =
        kalm(
            "query",
            "--bootstrap-servers",
            pipeline.bootstrapServers(),
            "--registry-url",
            pipeline.registryUrl(),
            "--kafka-config",
            clientConfig(
                    "wrong-registry.properties",
                    pipeline.connection().clientProperties().asMap(),
                    wrongRegistry)
                .toString(),
            "--entity",
            entity,
            "--relation",
            "_hypernym");
    assertEquals(3, unauthorised.exit(), unauthorised.out() + unauthorised.err());
    assertTrue(
        unauthorised.err().contains("HTTP 401")
            && unauthorised.err().contains("credentials of user kalm"),
        unauthorised.err());

    Run plaintext =
        kalm(
            "query",
            "--bootstrap-servers",
            pipeline.bootstrapServers(),
            "--registry-url",
            pipeline.registryUrl(),
            "--entity",
            entity,
            "--relation",
            "_hypernym");
    assertEquals(3, plaintext.exit(), "no plaintext listener answers: " + plaintext.err());
  }

  @Test
  @Order(4)
  void everyListenerOfThePipelineIsOnLoopback() throws Exception {
    List<ListeningSockets.Listener> listeners =
        new ArrayList<>(ListeningSockets.of(ProcessHandle.current().pid()));
    for (ProcessHandle child : ProcessHandle.current().descendants().toList()) {
      listeners.addAll(ListeningSockets.of(child.pid()));
    }
    assertTrue(
        listeners.size() >= 6,
        "broker, controller, registry, its front, scorer, dashboard, Flink: " + listeners);
    assertEquals(
        List.of(),
        listeners.stream().filter(l -> !l.isLoopback()).toList(),
        "listeners on other interfaces, among " + listeners);
  }

  private record Run(int exit, String out, String err) {}

  private static Run kalm(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    picocli.CommandLine command = io.kalmstream.cli.Kalm.commandLine();
    command.setOut(new java.io.PrintWriter(out, true));
    command.setErr(new java.io.PrintWriter(err, true));
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      int exit = command.execute(args);
      return new Run(
          exit, printed.toString(java.nio.charset.StandardCharsets.UTF_8) + out, err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  private Path clientConfig(String name, Map<String, String> kafka, Map<String, String> registry)
      throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.putAll(kafka);
    p.putAll(registry);
    Path file = workDir.resolve(name);
    try (var writer = Files.newBufferedWriter(file)) {
      p.store(writer, null);
    }
    return file;
  }

  /** The head of one of the queries the loader sent, as the id a user may type. */
  private String firstPredictedEntity() throws Exception {
    JsonNode state = getJson(pipeline.dashboardUrl() + "api/state?cursor=0");
    for (JsonNode row : state.path("predictions")) {
      if (!row.path("entityId").isNull() && !row.path("entityId").isMissingNode()) {
        return row.path("entityId").asText();
      }
    }
    throw new AssertionError("no prediction names its entity: " + state.path("predictions"));
  }

  private static WebDriver headlessChromium() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1440,1500");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
            .build();
    return new ChromeDriver(service, options);
  }

  private long scorerVersion() {
    try {
      return getJson("http://127.0.0.1:" + pipeline.scorerPort() + "/api/version")
          .path("modelVersion")
          .asLong();
    } catch (Exception e) {
      return -1;
    }
  }

  private JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  private long count(String topic, Class<? extends SpecificRecord> type) {
    return values(topic, type).size();
  }

  private <T extends SpecificRecord> List<T> values(String topic, Class<T> type) {
    return CommittedRecords.values(pipeline.connection(), topic, type);
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(2000);
    }
  }
}
