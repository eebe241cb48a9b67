package io.pier.common.config;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;

/** What every service's {@code main} does alike: fail fast on bad configuration, stop cleanly on SIGTERM. */
public final class Mains {
  private Mains() {}

  /**
   * Names this process in every line it logs (logback's {@code %property{pier.origin}}): the service and, for a
   * node-agent, its node id, so that a fleet's logs gathered in one place still say where each line came from.
   */
  public static void nameInLogs(String origin) {
    System.setProperty("pier.origin", origin);
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
   * Waits for {@code started}; exits with 1 if it fails. Then, on SIGTERM/SIGINT, closes what it started, and keeps
   * the process alive until that is done.
   */
  public static <S extends AutoCloseable> void runUntilStopped(
      Logger log, String service, Future<S> started) throws InterruptedException {
    S running;
    try {
      running = started.toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      log.error("{} failed to start: {}", service, e.getCause().getMessage(), e.getCause());
      System.exit(1);
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("{} stopping", service);
                  try {
                    running.close();
                    log.info("{} stopped", service);
                  } catch (Exception e) {
                    log.warn("{} did not stop cleanly", service, e);
                  }
                  done.countDown();
                },
                service + "-shutdown"));
    done.await();
  }

  /**
   * Blocks the calling thread, which must not be a Vert.x thread, until {@code future} completes.
   *
   * @throws IllegalStateException when it fails or takes longer than {@code timeout}
   */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
