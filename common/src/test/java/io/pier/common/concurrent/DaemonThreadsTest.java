package io.pier.common.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {

  @Test
  void namedThreadsAreDaemonsAllWithTheSameName() {
    ThreadFactory factory = DaemonThreads.named("pool-refill");
    Thread first = factory.newThread(DaemonThreadsTest::nothing);
    Thread second = factory.newThread(DaemonThreadsTest::nothing);
    assertEquals("pool-refill", first.getName());
    assertEquals("pool-refill", second.getName());
    assertTrue(first.isDaemon());
    assertTrue(second.isDaemon());
  }

  @Test
  void numberedThreadsAreDaemonsCountedFromOne() {
    ThreadFactory factory = DaemonThreads.numbered("repl-api-transfer");
    Thread first = factory.newThread(DaemonThreadsTest::nothing);
    Thread second = factory.newThread(DaemonThreadsTest::nothing);
    assertEquals("repl-api-transfer-1", first.getName());
    assertEquals("repl-api-transfer-2", second.getName());
    assertTrue(first.isDaemon());
    assertTrue(second.isDaemon());
  }

  @Test
  void eachNumberedFactoryCountsOnItsOwn() {
    DaemonThreads.numbered("exec").newThread(DaemonThreadsTest::nothing);
    assertEquals(
        "exec-1", DaemonThreads.numbered("exec").newThread(DaemonThreadsTest::nothing).getName());
  }

  @Test
  void aThreadRunsTheTaskItWasMadeFor() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor(DaemonThreads.named("probe"));
    try {
      CompletableFuture<String> ranOn =
          CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), executor);
      assertEquals("probe", ranOn.get(10, TimeUnit.SECONDS));
    } finally {
      executor.shutdownNow();
    }
  }

  private static void nothing() {}
}
