package io.pier.e2e;

import io.pier.common.config.Mains;
import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Awaits the start of one of the harness's services and, when it does not come, says which service and where Pier's
 * threads were: a start that hangs in CI must be diagnosable from its one failure.
 */
final class ServiceStarts {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceStarts.class);

  /** Frames that show where a start waits: Pier's own, Hazelcast's join, the storage and Docker clients. */
  private static final List<String> TELLING_FRAMES =
      List.of("io.pier.", "com.hazelcast.", "software.amazon.", "com.github.dockerjava.");

  private ServiceStarts() {}

  /**
   * The started service.
   *
   * @throws IllegalStateException naming {@code service} and the threads that were busy in a telling frame when it
   *     took longer than {@code timeout}; every thread's stack is in the log
   */
  static <T> T await(String service, Future<T> start, Duration timeout) {
    try {
      return Mains.await(start, timeout);
    } catch (IllegalStateException e) {
      if (!(e.getCause() instanceof TimeoutException)) throw e;
      ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false);
      StringBuilder dump = new StringBuilder();
      List<String> busy = new ArrayList<>();
      for (ThreadInfo thread : threads) {
        dump.append('"')
            .append(thread.getThreadName())
            .append("\" ")
            .append(thread.getThreadState());
        for (StackTraceElement frame : thread.getStackTrace())
          dump.append("\n    at ").append(frame);
        dump.append('\n');
        String telling = tellingFrame(thread.getStackTrace());
        if (telling != null && !thread.getThreadName().equals(Thread.currentThread().getName()))
          busy.add(thread.getThreadName() + " " + thread.getThreadState() + " in " + telling);
      }
      LOG.error("{} did not start within {}; the JVM's threads:\n{}", service, timeout, dump);
      throw new IllegalStateException(
          service
              + " did not start within "
              + timeout
              + "; busy threads: "
              + (busy.isEmpty()
                  ? "none (waiting on I/O)"
                  : String.join(" | ", busy.subList(0, Math.min(busy.size(), 8)))),
          e);
    }
  }

  /** The first frame of a telling package on the stack, unless the thread only waits for work in a pool. */
  private static String tellingFrame(StackTraceElement[] stack) {
    if (stack.length == 0 || isIdle(stack)) return null;
    for (StackTraceElement frame : stack) {
      for (String prefix : TELLING_FRAMES) {
        if (frame.getClassName().startsWith(prefix))
          return frame.getClassName() + "." + frame.getMethodName() + ":" + frame.getLineNumber();
      }
    }
    return null;
  }

  /** Parked on a queue for work, selecting on an event loop or waiting for a timer's next run. */
  private static boolean isIdle(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String name = frame.getClassName() + "." + frame.getMethodName();
      if (name.endsWith("ThreadPoolExecutor.getTask")
          || name.contains("SelectorImpl.select")
          || name.contains("EpollEventLoop.epollWait")
          || name.contains("ScheduledThreadPoolExecutor$DelayedWorkQueue.take")
          || name.contains("ForkJoinPool.awaitWork")
          || name.contains("BlockingQueue.take")
          || name.contains("BlockingQueue.poll")) return true;
    }
    return false;
  }
}
