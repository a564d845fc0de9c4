package io.kalmstream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerAppPropertiesTest {
  @TempDir Path tmp;

  @Test
  void aKilledInstanceLosesItsQueryPartitionsAfterTenSeconds() {
    Properties props =
        ScorerApp.streamsProperties(ScorerConfig.builder("unused:9092", tmp).build());
    assertEquals(10_000, props.get("consumer.session.timeout.ms"));
    assertEquals(2_500, props.get("consumer.heartbeat.interval.ms"));
  }

  @Test
  void theClientPropertiesSessionTimeoutWins() {
    Properties props =
        ScorerApp.streamsProperties(
            ScorerConfig.builder("unused:9092", tmp)
                .clientProperties(Map.of("session.timeout.ms", "30000"))
                .build());
    assertEquals("30000", props.get("session.timeout.ms"));
    assertFalse(props.containsKey("consumer.session.timeout.ms"));
  }
}
