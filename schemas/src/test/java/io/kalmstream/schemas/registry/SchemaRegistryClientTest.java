package io.kalmstream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.embedded.KafkaAndRegistry;
import io.kalmstream.schemas.EntityDescription;
import io.kalmstream.schemas.RelationDescription;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The REST client against the real Apicurio registry, plus what happens when no registry answers.
 */
class SchemaRegistryClientTest {
  private static final KafkaAndRegistry RUNTIME = KafkaAndRegistry.shared();
  private final SchemaRegistryClient client =
      new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));

  @Test
  void registerLookUpAndFetch() {
    String subject = "client.entities-value";
    int id = client.register(subject, EntityDescription.getClassSchema());

    SchemaRegistryClient fresh = new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()));
    assertEquals(
        id,
        fresh.register(subject, EntityDescription.getClassSchema()),
        "registering again is a no-op");
    assertEquals(id, fresh.idOf(subject, EntityDescription.getClassSchema()));
    assertEquals(EntityDescription.getClassSchema(), fresh.schemaById(id));
    assertSame(fresh.schemaById(id), fresh.schemaById(id), "schemas by id are cached");

    RegisteredSchema latest = fresh.latest(subject);
    assertEquals(new RegisteredSchema(subject, 1, id, EntityDescription.getClassSchema()), latest);
    assertEquals(latest, fresh.version(subject, 1));
    assertEquals(List.of(1), fresh.versions(subject));
    assertTrue(fresh.subjects().contains(subject));
  }

  @Test
  void lookupOfAMissingSchemaOrSubject() {
    client.register("client.relations-value", RelationDescription.getClassSchema());
    SchemaNotFoundException wrongSchema =
        assertThrows(
            SchemaNotFoundException.class,
            () -> client.idOf("client.relations-value", EntityDescription.getClassSchema()));
    assertEquals(404, wrongSchema.status());
    SchemaNotFoundException noSubject =
        assertThrows(SchemaNotFoundException.class, () -> client.latest("client.none-value"));
    assertTrue(
        noSubject
            .getMessage()
            .startsWith(
                "GET "
                    + RUNTIME.registryUrl()
                    + "/subjects/client.none-value/versions/latest failed: HTTP 404 error 40401: "),
        noSubject.getMessage());
    assertTrue(
        client
            .checkCompatibility("client.none-value", EntityDescription.getClassSchema())
            .compatible());
  }

  @Test
  void compatibilityLevelPerSubject() {
    String subject = "client.levels-value";
    client.register(subject, EntityDescription.getClassSchema());
    assertEquals(
        "BACKWARD",
        client.compatibilityLevel(null),
        "the embedded registry applies Confluent's default");
    client.setCompatibilityLevel(subject, "FULL");
    assertEquals("FULL", client.compatibilityLevel(subject));
  }

  @Test
  void concurrentFirstRegistrationsOfOneSubjectAllSucceed() throws Exception {
    // parallel sink subtasks each create the same subject on their first record
    for (int round = 0; round < 5; round++) {
      String subject = "client.concurrent-" + round + "-value";
      List<Callable<Integer>> writers =
          IntStream.range(0, 4)
              .<Callable<Integer>>mapToObj(
                  i ->
                      () ->
                          new SchemaRegistryClient(RegistryConfig.of(RUNTIME.registryUrl()))
                              .register(subject, EntityDescription.getClassSchema()))
              .toList();
      ExecutorService pool = Executors.newFixedThreadPool(writers.size());
      try {
        Set<Integer> ids = new HashSet<>();
        for (Future<Integer> id : pool.invokeAll(writers)) {
          ids.add(id.get());
        }
        assertEquals(1, ids.size(), "one id for " + subject + ": " + ids);
        assertEquals("BACKWARD", client.compatibilityLevel(subject));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void unreachableRegistryFailsFast() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    SchemaRegistryClient nobody =
        new SchemaRegistryClient(RegistryConfig.of("http://127.0.0.1:" + closedPort));
    SchemaRegistryException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () -> assertThrows(SchemaRegistryException.class, () -> nobody.schemaById(1)));
    assertEquals(0, e.status());
    assertTrue(
        e.getMessage()
            .startsWith(
                "GET http://127.0.0.1:"
                    + closedPort
                    + "/schemas/ids/1 failed, registry unreachable: "),
        e.getMessage());
  }

  @Test
  void silentRegistryTimesOut() throws Exception {
    // Accepts connections and never answers.
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      RegistryConfig config =
          RegistryConfig.of("http://127.0.0.1:" + silent.getLocalPort())
              .withRequestTimeout(Duration.ofMillis(500));
      SchemaRegistryException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(20),
              () ->
                  assertThrows(
                      SchemaRegistryException.class,
                      () -> new SchemaRegistryClient(config).subjects()));
      assertEquals(
          "GET http://127.0.0.1:" + silent.getLocalPort() + "/subjects timed out after PT0.5S",
          e.getMessage());
    }
  }

  @Test
  void configFromKafkaStyleMapAndValidation() {
    RegistryConfig config =
        RegistryConfig.fromMap(
            Map.of(
                "schema.registry.url",
                "http://r:8081/apis/ccompat/v7/",
                "auto.register.schemas",
                "false",
                "kalm.registry.request.timeout.ms",
                "2500"));
    assertEquals(
        new RegistryConfig("http://r:8081/apis/ccompat/v7", false, Duration.ofMillis(2500)),
        config);
    assertEquals(config, RegistryConfig.fromMap(config.toMap()));
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> RegistryConfig.fromMap(Map.of()));
    assertEquals("missing config schema.registry.url", missing.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RegistryConfig.of("localhost:8081"));
  }
}
