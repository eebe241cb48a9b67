package io.pier.node.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockingPoolTest {
  /** Long enough never to be reached when a test goes right; it only bounds a test that goes wrong. */
  private static final Duration LONG = Duration.ofSeconds(30);

  private final List<BlockingPool> pools = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    pools.forEach(BlockingPool::close);
  }

  private BlockingPool pool(int threads, int queue, Duration timeout) {
    BlockingPool pool = new BlockingPool("test", threads, queue, timeout);
    pools.add(pool);
    return pool;
  }

  /** Work that holds its thread until the test releases it, as a read of a FIFO would; interrupts do not end it. */
  private Object stuck(CountDownLatch started) {
    started.countDown();
    boolean done = false;
    while (!done) {
      try {
        done = release.await(1, TimeUnit.DAYS);
      } catch (InterruptedException ignored) {
        // like a blocking open(2): an interrupt does not end it
      }
    }
    return "released";
  }

  private static Throwable failure(CompletableFuture<?> future) throws Exception {
    ExecutionException e =
        assertThrows(
            ExecutionException.class, () -> future.get(LONG.toSeconds(), TimeUnit.SECONDS));
    return e.getCause();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + LONG.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met in " + LONG);
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  @Test
  void answersWithTheWorksResultOrItsFailure() throws Exception {
    BlockingPool pool = pool(2, 4, LONG);
    assertEquals(42, pool.submit(() -> 42).get(LONG.toSeconds(), TimeUnit.SECONDS));
    IllegalStateException thrown = new IllegalStateException("no");
    assertEquals(
        thrown,
        failure(
            pool.submit(
                () -> {
                  throw thrown;
                })));
    await(() -> pool.active() == 0);
    assertEquals(0, pool.rejected());
    assertEquals(0, pool.timedOut());
  }

  @Test
  void refusesAtOnceWhenEveryThreadWorksAndTheQueueIsFull() throws Exception {
    BlockingPool pool = pool(2, 1, LONG);
    CountDownLatch started = new CountDownLatch(2);
    var first = pool.submit(() -> stuck(started));
    var second = pool.submit(() -> stuck(started));
    assertTrue(started.await(LONG.toSeconds(), TimeUnit.SECONDS));
    var queued = pool.submit(() -> "queued");
    assertEquals(2, pool.active());
    assertEquals(1, pool.queued());

    var refused = pool.submit(() -> "refused");
    assertTrue(refused.isCompletedExceptionally(), "answered at once, not queued");
    assertInstanceOf(BlockingPool.Busy.class, failure(refused));
    assertEquals(1, pool.rejected());

    release.countDown();
    assertEquals("released", first.get(LONG.toSeconds(), TimeUnit.SECONDS));
    assertEquals("released", second.get(LONG.toSeconds(), TimeUnit.SECONDS));
    assertEquals("queued", queued.get(LONG.toSeconds(), TimeUnit.SECONDS));
    await(() -> pool.active() == 0 && pool.queued() == 0);
  }

  @Test
  void aStuckTaskTimesOutAndItsThreadIsReplacedUntilItReturns() throws Exception {
    BlockingPool pool = pool(1, 1, Duration.ofMillis(200));
    CountDownLatch started = new CountDownLatch(1);
    var stuck = pool.submit(() -> stuck(started));
    assertInstanceOf(BlockingPool.TimedOut.class, failure(stuck));
    assertEquals(1, pool.timedOut());
    assertEquals(1, pool.abandoned());
    assertEquals(0, pool.active(), "an abandoned thread is not counted as working");

    // The pool still has a thread for other work.
    assertEquals("next", pool.submit(() -> "next").get(LONG.toSeconds(), TimeUnit.SECONDS));

    release.countDown();
    await(() -> pool.abandoned() == 0);
    assertEquals("after", pool.submit(() -> "after").get(LONG.toSeconds(), TimeUnit.SECONDS));
  }

  @Test
  void abandonedThreadsAreReplacedOnlyUpToThePoolsSizeAndQueuedWorkTimesOutWithoutRunning()
      throws Exception {
    BlockingPool pool = pool(1, 1, Duration.ofMillis(200));
    CountDownLatch firstStarted = new CountDownLatch(1);
    assertInstanceOf(BlockingPool.TimedOut.class, failure(pool.submit(() -> stuck(firstStarted))));
    assertEquals(1, pool.abandoned());

    // The replacement thread gets stuck too; what waits behind it times out in the queue and never
    // runs.
    CountDownLatch secondStarted = new CountDownLatch(1);
    var second = pool.submit(() -> stuck(secondStarted));
    assertTrue(secondStarted.await(LONG.toSeconds(), TimeUnit.SECONDS));
    AtomicBoolean ran = new AtomicBoolean();
    var queued = pool.submit(() -> ran.getAndSet(true));
    assertInstanceOf(BlockingPool.TimedOut.class, failure(second));
    assertInstanceOf(BlockingPool.TimedOut.class, failure(queued));
    assertEquals(2, pool.abandoned());
    assertEquals(3, pool.timedOut());

    // Two stuck threads, one of them replaced: no thread is left, and the pool does not grow past
    // that.
    CountDownLatch never = new CountDownLatch(1);
    pool.submit(() -> stuck(never)); // waits in the queue
    assertInstanceOf(BlockingPool.Busy.class, failure(pool.submit(() -> "refused")));

    release.countDown();
    await(() -> pool.abandoned() == 0);
    assertEquals("back", pool.submit(() -> "back").get(LONG.toSeconds(), TimeUnit.SECONDS));
    assertTrue(!ran.get(), "the task that timed out in the queue was skipped");
  }

  @Test
  void anInterruptibleTaskIsInterruptedAtItsDeadlineAndGivesItsThreadBack() throws Exception {
    BlockingPool pool = pool(1, 1, Duration.ofMillis(200));
    CountDownLatch interrupted = new CountDownLatch(1);
    var sleeping =
        pool.submit(
            () -> {
              try {
                Thread.sleep(LONG.toMillis());
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return null;
            });
    assertInstanceOf(BlockingPool.TimedOut.class, failure(sleeping));
    assertTrue(interrupted.await(LONG.toSeconds(), TimeUnit.SECONDS));
    await(() -> pool.abandoned() == 0);
    // The interrupt was for that task only.
    assertEquals(
        false,
        pool.submit(() -> Thread.currentThread().isInterrupted())
            .get(LONG.toSeconds(), TimeUnit.SECONDS));
  }
}
