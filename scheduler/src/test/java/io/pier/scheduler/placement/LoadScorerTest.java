package io.pier.scheduler.placement;

import static io.pier.scheduler.FakeNodes.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.repl.Limits;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoadScorerTest {
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final PlacementRequest REQUEST =
      new PlacementRequest("s", new Limits(1, 512, 256), "img");
  private final LoadScorer scorer = new LoadScorer();

  @Test
  void scoresTheSlotFractionAfterAddingTheRepl() {
    // 10 slots, 4 used -> 5/10 after; memory (1024+512)/16384 and CPU 0 are lower.
    assertEquals(
        0.5,
        scorer.score(node("n", NOW).slots(10).repls(4).reservedMb(1024).build(), REQUEST),
        1e-9);
  }

  @Test
  void scoresTheMemoryFractionWhenItIsTheMostUsed() {
    assertEquals(
        0.75,
        scorer.score(node("n", NOW).slots(100).memoryMb(2048).reservedMb(1024).build(), REQUEST),
        1e-9);
  }

  @Test
  void scoresMeasuredCpuWhenItIsTheMostUsed() {
    assertEquals(
        0.9, scorer.score(node("n", NOW).slots(100).cpus(10).cpuUsage(9).build(), REQUEST), 1e-9);
  }

  @Test
  void moreLoadedNodeScoresHigher() {
    double light = scorer.score(node("a", NOW).repls(1).build(), REQUEST);
    double heavy = scorer.score(node("b", NOW).repls(5).build(), REQUEST);
    assertTrue(light < heavy);
  }

  @Test
  void zeroCapacityDoesNotDivideByZero() {
    double score = scorer.score(node("n", NOW).slots(0).memoryMb(0).cpus(0).build(), REQUEST);
    assertTrue(Double.isFinite(score) && score > 1, String.valueOf(score));
  }
}
