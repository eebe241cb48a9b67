package io.pier.common.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for a service's own pools. Their threads are daemons, so that a pool nobody shut down never keeps
 * the JVM alive, and they carry names, which the metrics, the docs and thread dumps refer to: keep a pool's name when
 * moving it.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Daemon threads that are all called {@code name}. */
  public static ThreadFactory named(String name) {
    return task -> daemon(task, name);
  }

  /**
   * Daemon threads called {@code prefix-1}, {@code prefix-2}, ... in the order this factory makes them, so that the
   * threads of one pool can be told apart.
   */
  public static ThreadFactory numbered(String prefix) {
    AtomicInteger numbers = new AtomicInteger();
    return task -> daemon(task, prefix + "-" + numbers.incrementAndGet());
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
