package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrefetchedEnvironmentTest {
  private final AtomicInteger reads = new AtomicInteger();
  private final ReplEnvironment storage = () -> Map.of("READ", "#" + reads.incrementAndGet());

  @Test
  void theFirstProcessGetsTheEarlyReadingAndEveryLaterOneReadsAfresh() {
    PrefetchedEnvironment env =
        new PrefetchedEnvironment(storage, CompletableFuture.completedFuture(storage.variables()));

    assertEquals(Map.of("READ", "#1"), env.variables());
    assertEquals(Map.of("READ", "#2"), env.variables());
    assertEquals(Map.of("READ", "#3"), env.variables());
  }

  @Test
  void anEarlyReadingNotDoneYetIsNotWaitedFor() {
    CompletableFuture<Map<String, String>> stillQueued = new CompletableFuture<>();
    PrefetchedEnvironment env = new PrefetchedEnvironment(storage, stillQueued);

    assertEquals(Map.of("READ", "#1"), env.variables());
    stillQueued.complete(Map.of("READ", "early"));
    assertEquals(Map.of("READ", "#2"), env.variables(), "and it is not used later either");
  }

  @Test
  void anEarlyReadingThatFailedIsReadAgain() {
    PrefetchedEnvironment env =
        new PrefetchedEnvironment(
            storage, CompletableFuture.failedFuture(new IllegalStateException("storage down")));

    assertEquals(Map.of("READ", "#1"), env.variables());
  }
}
