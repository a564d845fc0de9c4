package io.kalmstream.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kalmstream.schemas.kafka.ClientProperties;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestMainTest {
  private static final Map<String, String> CLUSTER =
      Map.of("KALM_BOOTSTRAP_SERVERS", "broker:9093", "KALM_REGISTRY_URL", "https://registry:8081");

  @Test
  void clientConfigFileSplitsIntoKafkaAndRegistrySettings() {
    IngestMain.Job job =
        IngestMain.parse(
            new String[] {"--kafka-config", "/etc/kalm/client.properties", "--group-id", "g"},
            CLUSTER,
            file -> {
              assertEquals(Path.of("/etc/kalm/client.properties"), file);
              return ClientProperties.of(
                  Map.of(
                      "security.protocol", "SASL_SSL",
                      "basic.auth.credentials.source", "USER_INFO",
                      "basic.auth.user.info", "kalm:secret"));
            });
    assertEquals("broker:9093", job.kafka().bootstrapServers());
    assertEquals("g", job.kafka().groupId());
    assertEquals(Map.of("security.protocol", "SASL_SSL"), job.kafka().clientProperties());
    assertEquals("https://registry:8081", job.kafka().registry().url());
    assertEquals("kalm:secret", job.kafka().registry().userInfo());
  }

  @Test
  void misspeltArgumentIsRefused() {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                IngestMain.parse(
                    new String[] {"--contrastive-bach", "32"},
                    CLUSTER,
                    file -> ClientProperties.empty()));
    assertEquals("unknown job arguments: --contrastive-bach", refused.getMessage());
  }
}
