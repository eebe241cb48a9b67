package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbeScheduleTest {
  private static final long MS = 1_000_000;

  @Test
  void triesAgainSoonThenBacksOffToTheCap() {
    ProbeSchedule schedule = new ProbeSchedule(0);
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 8; i++) delays.add(schedule.nextDelayMs());
    assertEquals(List.of(2L, 4L, 5L, 5L, 5L, 5L, 5L, 5L), delays);
  }

  @Test
  void asksTheRuntimeAtMostEveryHundredMilliseconds() {
    ProbeSchedule schedule = new ProbeSchedule(1000 * MS);
    assertFalse(schedule.inspectNow(1005 * MS), "not right after the start");
    assertFalse(schedule.inspectNow(1099 * MS));
    assertTrue(schedule.inspectNow(1100 * MS));
    schedule.inspected();
    assertFalse(schedule.inspectNow(1150 * MS), "not again within 100 ms");
    assertTrue(schedule.inspectNow(1200 * MS));
  }

  @Test
  void asksTheRuntimeOnceAtATime() {
    ProbeSchedule schedule = new ProbeSchedule(0);
    assertTrue(schedule.inspectNow(100 * MS));
    assertFalse(schedule.inspectNow(500 * MS), "the first question is still unanswered");
    schedule.inspected();
    assertTrue(schedule.inspectNow(600 * MS));
  }
}
