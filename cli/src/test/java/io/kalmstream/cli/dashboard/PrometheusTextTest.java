package io.kalmstream.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kalmstream.trainer.StepResult;
import io.kalmstream.trainer.metrics.TrainerMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void readsSamplesWithAndWithoutLabelsSkippingComments() {
    Map<String, Double> s =
        PrometheusText.parse(
            """
        # HELP x_total things
        # TYPE x_total counter
        x_total 3.0
        lag{group="a b",topic="t"} 12 1700000000000
        nan_gauge NaN
        """);
    assertEquals(3.0, s.get("x_total"));
    assertEquals(12.0, s.get("lag{group=\"a b\",topic=\"t\"}"));
    assertTrue(s.get("nan_gauge").isNaN());
    assertEquals(3, s.size());
  }

  @Test
  void readsTheTrainersOwnExposition() {
    try (TrainerMetrics metrics = new TrainerMetrics()) {
      metrics.stepped(new StepResult(41, 2.5, 3.0, 2.8, 0.049, 1e-4, 0.7, 24, 4000, 1e9, 2.0));
      Map<String, Double> s = PrometheusText.parse(metrics.scrape());
      assertEquals(42.0, s.get("kalm_trainer_step"));
      assertEquals(2.8, s.get("kalm_trainer_loss"));
      assertEquals(0.049, s.get("kalm_trainer_temperature"));
      assertEquals(12.0, s.get("kalm_trainer_pairs_per_second"));
    }
  }
}
