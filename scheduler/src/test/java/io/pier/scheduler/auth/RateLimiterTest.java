package io.pier.scheduler.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.scheduler.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final MutableClock clock = new MutableClock();

  @Test
  void aKeyGetsItsLimitPerWindowAndAgainOnceTheWindowHasPassed() {
    RateLimiter limiter = new RateLimiter(3, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 3; i++) assertTrue(limiter.tryAcquire("ada"));
    assertEquals(RateLimiter.Outcome.KEY_LIMITED, limiter.acquire("ada"));
    assertTrue(limiter.tryAcquire("bob"), "another key has its own count");
    clock.advance(Duration.ofSeconds(61));
    assertTrue(limiter.tryAcquire("ada"));
  }

  @Test
  void aHundredThousandDistinctNamesKeepMemoryBounded() {
    RateLimiter limiter = new RateLimiter(10, Duration.ofMinutes(1), clock, 1000);
    int allowed = 0;
    int full = 0;
    for (int i = 0; i < 100_000; i++) {
      RateLimiter.Outcome outcome = limiter.acquire("name-" + i);
      if (outcome == RateLimiter.Outcome.ALLOWED) allowed++;
      if (outcome == RateLimiter.Outcome.FULL) full++;
      assertTrue(limiter.size() <= 1000, "tracked keys " + limiter.size());
      // A name every 10 ms: 6,000 names a minute, six times what it tracks.
      clock.advance(Duration.ofMillis(10));
    }
    assertEquals(1000, limiter.size());
    assertTrue(allowed >= 16_000, "names whose window had passed made room: " + allowed);
    assertTrue(
        full > 0, "and new names were refused while every tracked one was still inside its window");
  }

  @Test
  void aHundredThousandNamesAtTheDefaultSizeInOneInstant() {
    RateLimiter limiter = new RateLimiter(10, Duration.ofMinutes(1), clock);
    for (int i = 0; i < 100_000; i++) limiter.tryAcquire("name-" + i);
    assertEquals(RateLimiter.DEFAULT_MAX_KEYS, limiter.size());
  }

  @Test
  void whenFullAGuessedNamesCountIsNotForgottenSoItsLimitHolds() {
    RateLimiter limiter = new RateLimiter(2, Duration.ofMinutes(1), clock, 100);
    assertTrue(limiter.tryAcquire("victim"));
    assertTrue(limiter.tryAcquire("victim"));
    for (int i = 0; i < 10_000; i++) limiter.tryAcquire("spray-" + i);
    assertEquals(100, limiter.size());
    assertEquals(
        RateLimiter.Outcome.KEY_LIMITED,
        limiter.acquire("victim"),
        "spraying other names reset nothing");
    clock.advance(Duration.ofSeconds(61));
    assertTrue(limiter.tryAcquire("newcomer"), "room again once the window passed");
    assertTrue(limiter.size() <= 100);
  }

  @Test
  void aRefusedAttemptDoesNotKeepAKeyAliveBeyondItsLastCountedEvent() {
    RateLimiter limiter = new RateLimiter(1, Duration.ofMinutes(1), clock, 2);
    assertTrue(limiter.tryAcquire("a"));
    clock.advance(Duration.ofSeconds(30));
    assertFalse(limiter.tryAcquire("a"));
    assertTrue(limiter.tryAcquire("b"));
    clock.advance(Duration.ofSeconds(31));
    assertTrue(limiter.tryAcquire("c"), "a's window is over, so it made room");
    assertEquals(2, limiter.size());
  }
}
