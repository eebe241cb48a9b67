package io.pier.node.session;

import io.pier.common.concurrent.DaemonThreads;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that serves every workspace watcher on this node: each tick takes the events each watcher's inotify
 * instance queued and reports what changed, in batches of a tick. A workspace keeps its own instance, so its event
 * queue and an overflow of it stay its own; it no longer keeps a thread of its own, which with 50 idle repls was 50
 * idle threads (a JDK watch service adds another per instance).
 */
public final class WatchTicker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WatchTicker.class);
  static final long TICK_MS = 150;

  private final ScheduledThreadPoolExecutor executor;
  private final Set<WorkspaceWatcher> watchers = ConcurrentHashMap.newKeySet();
  private ScheduledFuture<?> ticking;

  public WatchTicker() {
    executor = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("workspace-watch"));
    // Without watchers the thread ends; the next watcher starts it again.
    executor.setKeepAliveTime(10, TimeUnit.SECONDS);
    executor.allowCoreThreadTimeOut(true);
    executor.setRemoveOnCancelPolicy(true);
  }

  synchronized void add(WorkspaceWatcher watcher) {
    watchers.add(watcher);
    if (ticking == null) {
      ticking =
          executor.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }
  }

  synchronized void remove(WorkspaceWatcher watcher) {
    watchers.remove(watcher);
    if (watchers.isEmpty() && ticking != null) {
      ticking.cancel(false);
      ticking = null;
    }
  }

  /** Workspaces watched now. */
  public int watching() {
    return watchers.size();
  }

  private void tick() {
    for (WorkspaceWatcher watcher : watchers) {
      try {
        watcher.tick();
      } catch (RuntimeException e) {
        // One workspace's failure (a folder gone mid-walk) must not stop the others being watched.
        LOG.warn("watching a workspace failed once: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
