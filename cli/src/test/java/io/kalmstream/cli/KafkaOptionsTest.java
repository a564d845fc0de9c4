package io.kalmstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.schemas.kafka.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KafkaOptionsTest {
  @TempDir Path tmp;

  private static KafkaOptions parse(String... args) {
    KafkaOptions options = new KafkaOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  @Test
  void theFileThenTheCommandLineAndRegistryKeysGoToTheRegistry() throws Exception {
    Path file = tmp.resolve("client.properties");
    Files.writeString(
        file,
        """
        security.protocol=SASL_SSL
        sasl.mechanism=PLAIN
        sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="s3cret";
        max.poll.records=7
        basic.auth.credentials.source=USER_INFO
        basic.auth.user.info=reg:pw
        schema.registry.ssl.truststore.location=/etc/trust.p12
        schema.registry.ssl.truststore.password=tpw
        """);
    KafkaConnection c =
        parse(
                "--bootstrap-servers",
                "b:9093",
                "--registry-url",
                "https://r:8081",
                "--kafka-config",
                file.toString(),
                "--kafka-property",
                "max.poll.records=9")
            .connection();
    assertEquals("b:9093", c.bootstrapServers());
    assertEquals("SASL_SSL", c.clientProperties().get("security.protocol"));
    assertEquals(
        "9", c.clientProperties().get("max.poll.records"), "the command line overrides the file");
    assertNull(
        c.clientProperties().get("basic.auth.user.info"),
        "registry keys stay out of the Kafka clients");
    assertEquals("reg:pw", c.registry().userInfo());
    assertEquals("/etc/trust.p12", c.registry().tls().truststore());
    assertEquals("https://r:8081", c.registry().url());
    assertEquals("b:9093", c.clientConfig().get("bootstrap.servers"));

    String logged = c.clientProperties() + " " + c.registry();
    assertFalse(
        logged.contains("s3cret") || logged.contains(":pw") || logged.contains("tpw"), logged);
    assertTrue(
        logged.contains("sasl.jaas.config=[hidden]") && logged.contains("userInfo=reg:[hidden]"),
        logged);
  }

  @Test
  void environmentVariablesNameClientPropertiesInUpperCaseWithUnderscores() {
    assertEquals(
        Map.of("security.protocol", "SSL", "ssl.truststore.location", "/t"),
        KafkaOptions.fromEnvironment(
            Map.of(
                "KALM_KAFKA_PROPERTY_SECURITY_PROTOCOL",
                "SSL",
                "KALM_KAFKA_PROPERTY_SSL_TRUSTSTORE_LOCATION",
                "/t",
                "KALM_BOOTSTRAP_SERVERS",
                "x:1",
                "PATH",
                "/bin")));
  }
}
