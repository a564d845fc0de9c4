package io.kalmstream.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

  private final LearningRateSchedule schedule = new LearningRateSchedule(1e-4, 10, 110, 1e-5);

  @Test
  void warmsUpLinearly() {
    assertEquals(1e-5, schedule.at(0), 1e-12);
    assertEquals(5e-5, schedule.at(4), 1e-12);
    assertEquals(1e-4, schedule.at(9), 1e-12);
  }

  @Test
  void decaysAlongACosineToTheFloorThenStaysThere() {
    assertEquals(1e-4, schedule.at(10), 1e-12);
    assertEquals((1e-4 + 1e-5) / 2, schedule.at(60), 1e-12);
    assertEquals(1e-5, schedule.at(110), 1e-12);
    assertEquals(1e-5, schedule.at(1_000_000), 1e-12);
  }

  @Test
  void rejectsInconsistentSettings() {
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-4, 10, 5, 0));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-4, 0, 5, 1e-3));
  }
}
