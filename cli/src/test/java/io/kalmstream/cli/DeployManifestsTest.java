package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.ingest.IngestMain;
import io.kalmstream.schemas.kafka.ClientProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * Keeps deploy/ honest: every YAML file parses, every kalm command line in compose.yaml and the
 * Kubernetes manifests is one the real command tree accepts (parsed, never run), the ingest job's
 * arguments are ones its own parser reads, every Kubernetes object is named, and every ConfigMap,
 * Secret and volume claim a workload refers to is defined there.
 */
class DeployManifestsTest {
  private static final Path DEPLOY =
      Path.of(System.getProperty("kalm.project.dir", "..")).resolve("deploy");

  /** The image of deploy/Dockerfile, whose entry point is the kalm command. */
  private static final String KALM_IMAGE = "kalm-stream";

  private static final String KALM_ENTRYPOINT = "/opt/kalm/kalm";

  /** Images of other projects, whose command lines are not kalm's. */
  private static final Set<String> OTHER_IMAGES =
      Set.of("apache/kafka", "apicurio/apicurio-registry", "prom/prometheus", "grafana/grafana");

  /** Where the Secrets the manifests refer to are defined, with placeholder values. */
  private static final String SECRETS_EXAMPLE = "k8s/examples/secrets.example.yaml";

  /** One YAML document of a file under deploy/, named by that file relative to deploy/. */
  record Document(String file, Map<String, Object> content) {
    String describe() {
      Object kind = content.get("kind");
      return kind == null ? file : file + ": " + kind + " " + name(content);
    }
  }

  /** A command line found in a document, and what is wrong with it, if anything. */
  record CheckedLine(String where, String problem) {}

  @Test
  void everyCommandLineIsOneItsParserAccepts() {
    List<CheckedLine> lines = checkCommandLines(deployDocuments());
    List<String> problems =
        lines.stream()
            .filter(line -> line.problem() != null)
            .map(line -> line.where() + ": " + line.problem())
            .toList();
    assertEquals(List.of(), problems);
    Set<String> checked = new TreeSet<>(lines.stream().map(CheckedLine::where).toList());
    assertTrue(
        checked.containsAll(
            Set.of(
                "compose.yaml: service ingest",
                "compose.yaml: service trainer",
                "compose.yaml: service scorer",
                "compose.yaml: service dashboard",
                "k8s/trainer.yaml: Deployment kalm-trainer, container trainer",
                "k8s/scorer.yaml: Deployment kalm-scorer, container scorer",
                "k8s/dashboard.yaml: Deployment kalm-dashboard, container dashboard",
                "k8s/ingest.yaml: FlinkDeployment kalm-ingest, job")),
        checked.toString());
  }

  @Test
  void unknownOptionIsNamedWithItsFileAndContainer() {
    List<CheckedLine> lines =
        checkCommandLines(
            parse(
                "k8s/bad.yaml",
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: kalm-scorer}
                spec:
                  template:
                    spec:
                      containers:
                        - name: scorer
                          image: registry.example.com/kalm-stream:0.1.0
                          args: [score, --http-port, "8082", --no-such-option]
                        - name: trainer
                          image: kalm-stream
                          args: [tarin]
                        - name: sidecar
                          image: example/unknown:1
                """));
    assertEquals(
        List.of(
            new CheckedLine(
                "k8s/bad.yaml: Deployment kalm-scorer, container scorer",
                "Unknown option: '--no-such-option'"),
            new CheckedLine(
                "k8s/bad.yaml: Deployment kalm-scorer, container trainer",
                "Unmatched argument at index 0: 'tarin'"),
            new CheckedLine(
                "k8s/bad.yaml: Deployment kalm-scorer, container sidecar",
                "image example/unknown:1 is neither kalm's nor one of " + OTHER_IMAGES)),
        lines);
  }

  @Test
  void unknownJobArgumentIsNamed() {
    List<CheckedLine> lines =
        checkCommandLines(
            parse(
                "k8s/bad.yaml",
                """
                apiVersion: flink.apache.org/v1beta1
                kind: FlinkDeployment
                metadata: {name: kalm-ingest}
                spec:
                  podTemplate:
                    spec:
                      containers:
                        - name: flink-main-container
                          env:
                            - {name: KALM_BOOTSTRAP_SERVERS, value: "broker:9093"}
                            - {name: KALM_REGISTRY_URL, value: "https://registry:8081"}
                  job:
                    entryClass: io.kalmstream.ingest.IngestMain
                    args: [--group-id, g, --paralelism, "3"]
                """));
    assertEquals(
        List.of(
            new CheckedLine(
                "k8s/bad.yaml: FlinkDeployment kalm-ingest, job",
                "unknown job arguments: --paralelism")),
        lines);
  }

  @Test
  void everyKubernetesObjectIsNamedAndEveryReferenceDefined() {
    List<Document> documents = deployDocuments();
    Set<String> generated = generatorInputs(documents);
    Map<String, Set<String>> defined = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (Document document : documents) {
      Map<String, Object> content = document.content();
      if (document.file().startsWith("k8s/") && generated.contains(document.file())) {
        continue;
      }
      if (!content.containsKey("kind")) {
        if (document.file().startsWith("k8s/")) {
          problems.add(document.file() + ": a document that is not a Kubernetes object");
        }
        continue;
      }
      String kind = String.valueOf(content.get("kind"));
      if (content.get("apiVersion") == null) {
        problems.add(document.describe() + ": no apiVersion");
      }
      if (kind.equals("Kustomization")) {
        for (String generatorKind : List.of("configMapGenerator", "secretGenerator")) {
          for (Object generator : list(content.get(generatorKind))) {
            defined
                .computeIfAbsent(
                    generatorKind.startsWith("configMap") ? "ConfigMap" : "Secret",
                    k -> new TreeSet<>())
                .add(String.valueOf(map(generator).get("name")));
          }
        }
      } else if (name(content) == null) {
        problems.add(document.describe() + ": no metadata.name");
      } else {
        defined.computeIfAbsent(kind, k -> new TreeSet<>()).add(name(content));
      }
    }
    for (Document document : documents) {
      forEachReference(
          document.content(),
          (kind, name) -> {
            if (!defined.getOrDefault(kind, Set.of()).contains(name)) {
              problems.add(
                  document.describe()
                      + ": "
                      + kind
                      + " "
                      + name
                      + " is defined nowhere in deploy/");
            }
          });
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyManifestIsAppliedOrOptional() {
    List<Document> documents = deployDocuments();
    Set<String> listed = new TreeSet<>(generatorInputs(documents));
    for (Document document : documents) {
      if ("Kustomization".equals(document.content().get("kind"))) {
        Path directory = Path.of(document.file()).getParent();
        listed.add(document.file());
        for (Object resource : list(document.content().get("resources"))) {
          listed.add(directory.resolve(String.valueOf(resource)).normalize().toString());
        }
      }
    }
    List<String> unlisted =
        yamlFiles().stream()
            .filter(file -> file.startsWith("k8s/"))
            .filter(file -> !file.startsWith("k8s/optional/") && !file.startsWith("k8s/examples/"))
            .filter(file -> !listed.contains(file))
            .toList();
    assertEquals(List.of(), unlisted, "in deploy/k8s but in no kustomization.yaml");
    assertTrue(
        listed.contains("grafana/dashboards/kalm-stream.json"),
        "the Grafana dashboard is generated from its JSON: " + listed);
    assertTrue(Files.isRegularFile(DEPLOY.resolve(SECRETS_EXAMPLE)), SECRETS_EXAMPLE);
  }

  /** Every command line of the documents, each parsed by the parser of the program it runs. */
  static List<CheckedLine> checkCommandLines(List<Document> documents) {
    Map<String, Map<String, Object>> configMaps = new HashMap<>();
    documents.stream()
        .map(Document::content)
        .filter(content -> "ConfigMap".equals(content.get("kind")))
        .forEach(content -> configMaps.put(name(content), map(content.get("data"))));
    List<CheckedLine> lines = new ArrayList<>();
    for (Document document : documents) {
      Map<String, Object> content = document.content();
      if (document.file().endsWith("compose.yaml")) {
        map(content.get("services"))
            .forEach(
                (service, definition) ->
                    checkComposeService(
                        document.file() + ": service " + service, map(definition), lines));
      } else if (content.containsKey("kind")) {
        forEachContainer(
            content,
            container ->
                checkContainer(
                    document.describe() + ", container " + container.get("name"),
                    container,
                    lines));
        if ("FlinkDeployment".equals(content.get("kind"))) {
          lines.add(checkJob(document.describe() + ", job", content, configMaps));
        }
      }
    }
    return lines;
  }

  private static void checkComposeService(
      String where, Map<String, Object> service, List<CheckedLine> lines) {
    Object build = service.get("build");
    boolean kalm = build != null && "deploy/Dockerfile".equals(map(build).get("dockerfile"));
    checkProgram(
        where,
        kalm ? KALM_IMAGE : String.valueOf(service.get("image")),
        service.get("entrypoint"),
        service.get("command"),
        lines);
  }

  private static void checkContainer(
      String where, Map<String, Object> container, List<CheckedLine> lines) {
    Object image = container.get("image");
    if (image == null) {
      // A Flink operator's flink-main-container: spec.image runs it, spec.job its arguments.
      if (container.containsKey("command") || container.containsKey("args")) {
        lines.add(new CheckedLine(where, "a command line without an image"));
      }
      return;
    }
    checkProgram(
        where, String.valueOf(image), container.get("command"), container.get("args"), lines);
  }

  /** A container's entry point (or none: the image's) and arguments, by what its image runs. */
  private static void checkProgram(
      String where, String image, Object entrypoint, Object arguments, List<CheckedLine> lines) {
    String repository = image.replaceFirst(":[^/:]*$", "");
    if (OTHER_IMAGES.contains(repository)) {
      return;
    }
    if (!repository.equals(KALM_IMAGE) && !repository.endsWith("/" + KALM_IMAGE)) {
      lines.add(
          new CheckedLine(
              where, "image " + image + " is neither kalm's nor one of " + OTHER_IMAGES));
    } else if (entrypoint != null && !strings(entrypoint).equals(List.of(KALM_ENTRYPOINT))) {
      lines.add(new CheckedLine(where, "entry point " + entrypoint + " is not " + KALM_ENTRYPOINT));
    } else if (arguments != null) {
      lines.add(new CheckedLine(where, kalmProblem(strings(arguments))));
    }
  }

  /** Why {@code kalm ARGUMENTS} would not start a subcommand, or null when it would. */
  static String kalmProblem(List<String> arguments) {
    try {
      CommandLine.ParseResult parsed =
          Kalm.commandLine().parseArgs(arguments.toArray(String[]::new));
      return parsed.hasSubcommand() ? null : "names no kalm subcommand";
    } catch (CommandLine.ParameterException e) {
      return e.getMessage();
    }
  }

  /**
   * The FlinkDeployment's job arguments, through IngestMain's own parser, with the environment its
   * pod template gives the job's main container (values from ConfigMaps resolved, from Secrets
   * stood in for).
   */
  private static CheckedLine checkJob(
      String where, Map<String, Object> deployment, Map<String, Map<String, Object>> configMaps) {
    Map<String, Object> job = map(map(deployment.get("spec")).get("job"));
    if (!IngestMain.class.getName().equals(job.get("entryClass"))) {
      return new CheckedLine(
          where, "entryClass " + job.get("entryClass") + " is not " + IngestMain.class.getName());
    }
    Map<String, String> environment = new HashMap<>();
    forEachContainer(
        deployment,
        container -> {
          for (Object from : list(container.get("envFrom"))) {
            Object configMap = map(from).get("configMapRef");
            if (configMap != null) {
              configMaps
                  .getOrDefault(String.valueOf(map(configMap).get("name")), Map.of())
                  .forEach((key, value) -> environment.put(key, String.valueOf(value)));
            }
          }
          for (Object variable : list(container.get("env"))) {
            Map<String, Object> entry = map(variable);
            environment.put(
                String.valueOf(entry.get("name")),
                String.valueOf(entry.getOrDefault("value", "value-from-a-reference")));
          }
        });
    try {
      IngestMain.parse(
          strings(job.getOrDefault("args", List.of())).toArray(String[]::new),
          environment,
          file -> ClientProperties.empty());
      return new CheckedLine(where, null);
    } catch (IllegalArgumentException e) {
      return new CheckedLine(where, e.getMessage());
    }
  }

  /** Each container of every pod template in {@code node}, at any depth. */
  @SuppressWarnings("unchecked")
  private static void forEachContainer(Object node, Consumer<Map<String, Object>> action) {
    if (node instanceof Map<?, ?> object) {
      object.forEach(
          (key, value) -> {
            if ((key.equals("containers") || key.equals("initContainers"))
                && value instanceof List<?> containers) {
              containers.forEach(container -> action.accept((Map<String, Object>) container));
            } else {
              forEachContainer(value, action);
            }
          });
    } else if (node instanceof List<?> items) {
      items.forEach(item -> forEachContainer(item, action));
    }
  }

  /** Each (kind, name) of a ConfigMap, Secret or volume claim that {@code node} refers to. */
  private static void forEachReference(Object node, BiConsumer<String, String> action) {
    if (node instanceof Map<?, ?> object) {
      object.forEach(
          (key, value) -> {
            String reference =
                switch (String.valueOf(key)) {
                  case "configMap", "configMapRef", "configMapKeyRef" -> "ConfigMap:name";
                  case "secret" -> "Secret:secretName";
                  case "secretRef", "secretKeyRef" -> "Secret:name";
                  case "persistentVolumeClaim" -> "PersistentVolumeClaim:claimName";
                  default -> null;
                };
            if (reference != null && value instanceof Map<?, ?> target) {
              String[] kindAndField = reference.split(":");
              action.accept(kindAndField[0], String.valueOf(target.get(kindAndField[1])));
            }
            forEachReference(value, action);
          });
    } else if (node instanceof List<?> items) {
      items.forEach(item -> forEachReference(item, action));
    }
  }

  /** The files the kustomizations generate ConfigMaps and Secrets from, relative to deploy/. */
  private static Set<String> generatorInputs(List<Document> documents) {
    Set<String> inputs = new TreeSet<>();
    for (Document document : documents) {
      if ("Kustomization".equals(document.content().get("kind"))) {
        Path directory = Path.of(document.file()).getParent();
        for (String generatorKind : List.of("configMapGenerator", "secretGenerator")) {
          for (Object generator : list(document.content().get(generatorKind))) {
            for (Object file : list(map(generator).get("files"))) {
              String input = directory.resolve(String.valueOf(file)).normalize().toString();
              assertTrue(Files.isRegularFile(DEPLOY.resolve(input)), "missing " + input);
              inputs.add(input);
            }
          }
        }
      }
    }
    return inputs;
  }

  private static List<Document> deployDocuments() {
    List<Document> documents = new ArrayList<>();
    for (String file : yamlFiles()) {
      try {
        documents.addAll(parse(file, Files.readString(DEPLOY.resolve(file))));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    assertTrue(documents.size() > 10, "deploy/ has its manifests: " + documents.size());
    return documents;
  }

  /** Every .yaml and .yml file under deploy/, relative to it. */
  private static List<String> yamlFiles() {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> DEPLOY.relativize(file).toString())
          .filter(file -> file.endsWith(".yaml") || file.endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of a (multi-document) YAML text; a syntax error fails naming the file. */
  static List<Document> parse(String file, String text) {
    List<Document> documents = new ArrayList<>();
    try {
      for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
        if (document != null) {
          documents.add(new Document(file, map(document)));
        }
      }
    } catch (RuntimeException e) {
      throw new AssertionError(file + " is not valid YAML: " + e.getMessage(), e);
    }
    return documents;
  }

  private static String name(Map<String, Object> object) {
    Object name = map(object.get("metadata")).get("name");
    return name == null ? null : String.valueOf(name);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return node instanceof Map<?, ?> object ? (Map<String, Object>) object : Map.of();
  }

  private static List<?> list(Object node) {
    return node instanceof List<?> items ? items : List.of();
  }

  /** A command line as YAML writes it: a list (numbers unquoted or not), or one string. */
  private static List<String> strings(Object node) {
    return node instanceof List<?> items
        ? items.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(node));
  }
}
