package io.pier.common.config;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** What every service's {@code main} does alike: fail fast on bad configuration, stop cleanly on SIGTERM. */
public final class Mains {
  private Mains() {
  }

  /**
   * Reads the configuration with {@code readConfig}; on a {@link ConfigException} prints it and exits with 2.
   */
  public static <C> C configOrExit(String service, Supplier<C> readConfig) {
    try {
      return readConfig.get();
    } catch (ConfigException e) {
      System.err.println(service + ": configuration error: " + e.getMessage());
      System.exit(2);
      return null;
    }
  }

  /**
   * Waits for {@code started}; exits with 1 if it fails. Then runs {@code stop} on SIGTERM/SIGINT, waiting up to
   * {@code stopTimeout} for it, and keeps the process alive until then.
   */
  public static void runUntilStopped(Logger log, String service, Future<?> started, Supplier<Future<?>> stop,
                                     Duration stopTimeout) throws InterruptedException {
    try {
      started.toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      log.error("{} failed to start", service, e);
      System.exit(1);
    }
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("{} stopping", service);
      try {
        stop.get().toCompletionStage().toCompletableFuture().get(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        log.info("{} stopped", service);
      } catch (Exception e) {
        log.warn("{} did not stop cleanly", service, e);
      }
      done.countDown();
    }, service + "-shutdown"));
    done.await();
  }
}
