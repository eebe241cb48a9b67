package io.pier.common.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedMapTest {

  /** A value type for the tests. */
  record Counter(String name, int count) {
    JsonObject toJson() {
      return new JsonObject().put("name", name).put("count", count);
    }

    static Counter fromJson(JsonObject json) {
      return new Counter(json.getString("name"), json.getInteger("count"));
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2024-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Simulates another member: the first replace changes the value behind the caller's back, then fails. */
  static class InterferingMap implements StringMap {
    final StringMap inner;
    final String interferingValue;
    final AtomicInteger replaces = new AtomicInteger();

    InterferingMap(StringMap inner, String interferingValue) {
      this.inner = inner;
      this.interferingValue = interferingValue;
    }

    @Override
    public Future<String> get(String key) {
      return inner.get(key);
    }

    @Override
    public Future<Void> set(String key, String value, Duration ttl) {
      return inner.set(key, value, ttl);
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, String value) {
      return inner.putIfAbsent(key, value);
    }

    @Override
    public Future<Boolean> putIfAbsent(String key, String value, Duration ttl) {
      return inner.putIfAbsent(key, value, ttl);
    }

    @Override
    public Future<Boolean> replace(String key, String expected, String value) {
      if (replaces.getAndIncrement() == 0) {
        return inner
            .set(key, interferingValue, null)
            .compose(v -> inner.replace(key, expected, value));
      }
      return inner.replace(key, expected, value);
    }

    @Override
    public Future<Boolean> remove(String key, String expected) {
      return inner.remove(key, expected);
    }

    @Override
    public Future<Void> delete(String key) {
      return inner.delete(key);
    }

    @Override
    public Future<Map<String, String>> entries() {
      return inner.entries();
    }
  }

  private final MutableClock clock = new MutableClock();
  private final InMemoryStringMap raw = new InMemoryStringMap(clock);
  private final SharedMap<Counter> map = new SharedMap<>(raw, Counter::toJson, Counter::fromJson);

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, SECONDS);
  }

  static Throwable failure(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(future));
    return e.getCause();
  }

  @Test
  void putThenGetReturnsTheValue() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    assertEquals(new Counter("a", 1), await(map.get("a")));
  }

  @Test
  void getOfMissingKeyIsNull() throws Exception {
    assertNull(await(map.get("nope")));
  }

  /** A member whose local cache still says "none" for a key its owner has by now. */
  static final class StaleMissMap extends InterferingMap {
    StaleMissMap(StringMap owner) {
      super(owner, null);
    }

    @Override
    public Future<String> get(String key) {
      return Future.succeededFuture(null);
    }

    @Override
    public Future<String> getFromOwner(String key) {
      return inner.get(key);
    }
  }

  @Test
  void aMissIsConfirmedWithTheOwnerPastAStaleLocalCache() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    SharedMap<Counter> stale =
        new SharedMap<>(new StaleMissMap(raw), Counter::toJson, Counter::fromJson);
    assertNull(await(stale.get("a")), "the cache alone still misses");
    assertEquals(new Counter("a", 1), await(stale.getConfirmingMiss("a")));
    assertNull(await(stale.getConfirmingMiss("nope")), "a key the owner lacks too is none");
  }

  @Test
  void valuesAreStoredAsJsonText() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    assertEquals(
        new JsonObject().put("name", "a").put("count", 1), new JsonObject(await(raw.get("a"))));
  }

  @Test
  void aValueReadAgainUnchangedIsNotDecodedAgainAndAChangedOneIs() throws Exception {
    AtomicInteger decodes = new AtomicInteger();
    SharedMap<Counter> kept =
        new SharedMap<>(
            raw,
            Counter::toJson,
            json -> {
              decodes.incrementAndGet();
              return Counter.fromJson(json);
            },
            2);
    await(kept.put("a", new Counter("a", 1)));
    Counter first = await(kept.get("a"));
    assertSame(first, await(kept.get("a")), "the value kept from the last read");
    assertEquals(1, decodes.get());
    await(map.put("a", new Counter("a", 2)));
    assertEquals(new Counter("a", 2), await(kept.get("a")), "a change is read, not the kept value");
    await(map.remove("a"));
    assertNull(await(kept.get("a")), "nor is a removed entry");
  }

  @Test
  void noMoreLastReadValuesAreKeptThanAsked() throws Exception {
    SharedMap<Counter> kept = new SharedMap<>(raw, Counter::toJson, Counter::fromJson, 2);
    for (String key : List.of("a", "b", "c", "d", "e")) {
      await(kept.put(key, new Counter(key, 1)));
      await(kept.get(key));
      assertTrue(kept.lastReadKept() <= 2, String.valueOf(kept.lastReadKept()));
    }
    assertEquals(0, map.lastReadKept(), "a map asked to keep none keeps none");
  }

  @Test
  void removeDeletesTheEntry() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    await(map.remove("a"));
    assertNull(await(map.get("a")));
  }

  @Test
  void putIfAbsentKeepsTheFirstValue() throws Exception {
    assertTrue(await(map.putIfAbsent("a", new Counter("a", 1))));
    assertFalse(await(map.putIfAbsent("a", new Counter("a", 2))));
    assertEquals(1, await(map.get("a")).count());
  }

  @Test
  void valuesListsEveryEntry() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    await(map.put("b", new Counter("b", 2)));
    assertEquals(List.of(new Counter("a", 1), new Counter("b", 2)), await(map.values()));
  }

  @Test
  void updateAppliesTheChangeAndReturnsTheStoredValue() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    Counter stored = await(map.update("a", c -> new Counter(c.name(), c.count() + 10)));
    assertEquals(new Counter("a", 11), stored);
    assertEquals(new Counter("a", 11), await(map.get("a")));
  }

  @Test
  void updateOfMissingKeySeesNullAndCreatesTheEntry() throws Exception {
    Counter stored =
        await(
            map.update(
                "a",
                c -> {
                  assertNull(c);
                  return new Counter("a", 1);
                }));
    assertEquals(new Counter("a", 1), stored);
    assertEquals(new Counter("a", 1), await(map.get("a")));
  }

  @Test
  void updateReturningNullLeavesTheMapUnchanged() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    String before = await(raw.get("a"));
    Counter result = await(map.update("a", c -> null));
    assertEquals(new Counter("a", 1), result);
    assertEquals(before, await(raw.get("a")));
  }

  @Test
  void updateReturningNullOnMissingKeyCreatesNothing() throws Exception {
    assertNull(await(map.update("a", c -> null)));
    assertTrue(await(raw.entries()).isEmpty());
  }

  @Test
  void updateThatThrowsFailsAndLeavesTheMapUnchanged() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    IllegalStateException boom = new IllegalStateException("no");
    assertSame(
        boom,
        failure(
            map.update(
                "a",
                c -> {
                  throw boom;
                })));
    assertEquals(new Counter("a", 1), await(map.get("a")));
  }

  @Test
  void updateRetriesOnTheNewValueAfterAConcurrentChange() throws Exception {
    InterferingMap interfering = new InterferingMap(raw, new Counter("a", 100).toJson().encode());
    SharedMap<Counter> contended = new SharedMap<>(interfering, Counter::toJson, Counter::fromJson);
    await(contended.put("a", new Counter("a", 1)));
    AtomicInteger calls = new AtomicInteger();
    Counter stored =
        await(
            contended.update(
                "a",
                c -> {
                  calls.incrementAndGet();
                  return new Counter(c.name(), c.count() + 1);
                }));
    // The first attempt computed 2 from 1 and lost; the retry computed 101 from the other member's
    // 100.
    assertEquals(new Counter("a", 101), stored);
    assertEquals(new Counter("a", 101), await(contended.get("a")));
    assertEquals(2, calls.get());
    assertEquals(2, interfering.replaces.get());
  }

  @Test
  void updateGivesUpUnderEndlessContention() throws Exception {
    StringMap alwaysLoses =
        new InterferingMap(raw, "unused") {
          @Override
          public Future<Boolean> replace(String key, String expected, String value) {
            return Future.succeededFuture(false);
          }
        };
    SharedMap<Counter> contended = new SharedMap<>(alwaysLoses, Counter::toJson, Counter::fromJson);
    await(contended.put("a", new Counter("a", 1)));
    Throwable err = failure(contended.update("a", c -> new Counter("a", c.count() + 1)));
    assertTrue(err instanceof IllegalStateException, String.valueOf(err));
    assertTrue(err.getMessage().contains("contention"), err.getMessage());
    assertEquals(new Counter("a", 1), await(contended.get("a")));
  }

  @Test
  void removeIfRemovesWhenThePredicateAccepts() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    assertTrue(await(map.removeIf("a", c -> c.count() == 1)));
    assertNull(await(map.get("a")));
  }

  @Test
  void removeIfKeepsWhenThePredicateRejects() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    assertFalse(await(map.removeIf("a", c -> c.count() == 2)));
    assertEquals(new Counter("a", 1), await(map.get("a")));
  }

  @Test
  void removeIfOfMissingKeyIsFalse() throws Exception {
    assertFalse(await(map.removeIf("a", c -> true)));
  }

  @Test
  void entryWithTtlExpires() throws Exception {
    await(map.put("a", new Counter("a", 1), Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(9));
    assertEquals(new Counter("a", 1), await(map.get("a")));
    clock.advance(Duration.ofSeconds(1));
    assertNull(await(map.get("a")));
    assertTrue(await(map.values()).isEmpty());
  }

  @Test
  void settingAgainWithinTtlExtendsIt() throws Exception {
    await(map.put("a", new Counter("a", 1), Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(8));
    await(map.put("a", new Counter("a", 2), Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(8));
    assertEquals(new Counter("a", 2), await(map.get("a")));
  }

  @Test
  void entryWithoutTtlNeverExpires() throws Exception {
    await(map.put("a", new Counter("a", 1)));
    clock.advance(Duration.ofDays(3650));
    assertEquals(new Counter("a", 1), await(map.get("a")));
  }

  @Test
  void expiredEntryCanBePutIfAbsentAgain() throws Exception {
    await(map.put("a", new Counter("a", 1), Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(1));
    assertTrue(await(map.putIfAbsent("a", new Counter("a", 2))));
    assertEquals(2, await(map.get("a")).count());
  }
}
