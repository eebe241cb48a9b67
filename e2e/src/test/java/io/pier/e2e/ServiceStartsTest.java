package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ServiceStartsTest {
  @Test
  void aStartThatHangsIsNamedWithTheThreadItHangsIn() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread stuck =
        new Thread(
            () -> {
              entered.countDown();
              waitFor(release);
            },
            "stuck-start");
    stuck.start();
    entered.await();
    try {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  ServiceStarts.await(
                      "node-agent n1", Promise.<String>promise().future(), Duration.ofMillis(50)));
      assertTrue(
          e.getMessage().startsWith("node-agent n1 did not start within PT0.05S"), e.getMessage());
      assertTrue(
          e.getMessage().contains("stuck-start WAITING in io.pier.e2e.ServiceStartsTest.waitFor"),
          e.getMessage());
    } finally {
      release.countDown();
      stuck.join();
    }
  }

  @Test
  void aStartThatFailsFailsWithItsOwnReason() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ServiceStarts.await(
                    "edge-proxy",
                    Future.failedFuture(new IllegalArgumentException("port taken")),
                    Duration.ofSeconds(5)));
    assertEquals("port taken", e.getMessage());
  }

  @Test
  void aStartedServiceIsReturned() {
    assertEquals(
        "up",
        ServiceStarts.await("scheduler 0", Future.succeededFuture("up"), Duration.ofSeconds(5)));
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
