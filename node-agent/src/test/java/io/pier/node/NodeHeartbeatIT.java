package io.pier.node;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.pier.common.node.NodeInfo;
import io.pier.node.limits.SessionLimits;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The node's entry in the cluster while its event loops are busy (a repl with a thousand sessions). */
class NodeHeartbeatIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void theNodeKeepsBeatingWhileEveryEventLoopIsHeld() throws Exception {
    try (NodeAgentFixture fixture = NodeAgentFixture.start(SessionLimits.DEFAULT)) {
      CountDownLatch release = new CountDownLatch(1);
      int loops = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
      CountDownLatch held = new CountDownLatch(loops);
      Set<String> claimed = ConcurrentHashMap.newKeySet();
      // Each verticle instance takes the next event loop: the first task to run on each loop holds
      // it.
      // (Not awaited: its answer needs an event loop, and they are held.)
      fixture
          .vertx()
          .deployVerticle(
              () ->
                  new VerticleBase() {
                    @Override
                    public Future<?> start() {
                      context.runOnContext(v -> holdUntil(release, claimed, held));
                      return Future.succeededFuture();
                    }
                  },
              new DeploymentOptions().setInstances(4 * loops));
      try {
        assertTrue(held.await(10, TimeUnit.SECONDS), "every event loop held");
        Instant heldSince = Instant.now();
        // Beats every 200 ms: three of them while nothing else on the event loops can run.
        Instant after = heldSince.plusMillis(600);
        long deadline = System.nanoTime() + WAIT.toNanos();
        Instant last = Instant.EPOCH;
        while (!last.isAfter(after) && System.nanoTime() < deadline) {
          NodeInfo node = Mains.await(fixture.cluster().nodes().get(fixture.nodeId), WAIT);
          if (node != null) last = node.heartbeatAt();
          Thread.sleep(50);
        }
        assertTrue(
            last.isAfter(after),
            "a beat at " + last + " while the event loops were held since " + heldSince);
      } finally {
        release.countDown();
      }
    }
  }

  private static void holdUntil(CountDownLatch release, Set<String> claimed, CountDownLatch held) {
    if (!claimed.add(Thread.currentThread().getName())) return;
    held.countDown();
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
