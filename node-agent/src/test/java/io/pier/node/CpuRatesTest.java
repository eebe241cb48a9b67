package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CpuRatesTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void twoReadingsGiveTheCpusUsedBetweenThem() {
    CpuRates rates = new CpuRates();
    assertEquals(
        OptionalDouble.empty(),
        rates.rate("a", 5 * SECOND, 100 * SECOND),
        "one reading is no rate");
    assertEquals(
        1.5, rates.rate("a", 8 * SECOND, 102 * SECOND).orElseThrow(), 1e-9, "3 s of CPU in 2 s");
    assertEquals(0.0, rates.rate("a", 8 * SECOND, 103 * SECOND).orElseThrow(), 1e-9, "idle");
  }

  @Test
  void twoReadingsAtOneInstantGiveNoRate() {
    CpuRates rates = new CpuRates();
    rates.rate("a", SECOND, 100 * SECOND);
    assertEquals(OptionalDouble.empty(), rates.rate("a", 2 * SECOND, 100 * SECOND));
  }

  @Test
  void aSandboxThatLeftStartsAfreshWhenItsIdComesBack() {
    CpuRates rates = new CpuRates();
    rates.rate("a", SECOND, 100 * SECOND);
    rates.rate("b", SECOND, 100 * SECOND);
    rates.retain(List.of("b"));
    assertEquals(OptionalDouble.empty(), rates.rate("a", 2 * SECOND, 101 * SECOND));
    assertEquals(1.0, rates.rate("b", 2 * SECOND, 101 * SECOND).orElseThrow(), 1e-9);
  }
}
