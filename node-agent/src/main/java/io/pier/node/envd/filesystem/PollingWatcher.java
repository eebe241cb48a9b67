package io.pier.node.envd.filesystem;

import io.pier.node.session.FileChange;
import io.pier.node.session.LiveRepl;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One watcher of {@code CreateWatcher}: the folder's events since the last {@code GetWatcherEvents}, at most
 * {@code maxQueued} of them. Past that it overflows: events were lost, and the next poll says so instead of answering
 * part of what happened. Fed on the repl's context, polled from any thread.
 */
final class PollingWatcher implements LiveRepl.ChangeListener {
  private final LiveRepl repl;
  private final WatchEvents events;
  private final int maxQueued;
  private final Runnable onEnded;
  private final Runnable release;
  private final List<JsonObject> queued = new ArrayList<>();
  private boolean overflowed;
  private long lastPolledNanos;

  /**
   * @param onEnded told when the repl stopped (the watcher is gone)
   * @param release gives the watch's place back, once the watcher is forgotten
   */
  PollingWatcher(
      LiveRepl repl,
      WatchEvents events,
      int maxQueued,
      long nowNanos,
      Runnable onEnded,
      Runnable release) {
    this.repl = repl;
    this.events = events;
    this.maxQueued = maxQueued;
    this.lastPolledNanos = nowNanos;
    this.onEnded = onEnded;
    this.release = release;
  }

  void release() {
    release.run();
  }

  LiveRepl repl() {
    return repl;
  }

  @Override
  public synchronized void changed(List<FileChange> changes) {
    for (JsonObject event : events.of(changes)) {
      if (queued.size() >= maxQueued) {
        overflowed = true;
        queued.clear();
        return;
      }
      if (!overflowed) queued.add(event);
    }
  }

  @Override
  public void ended() {
    onEnded.run();
  }

  /** What happened since the last poll, or null when events were lost. */
  synchronized List<JsonObject> poll(long nowNanos) {
    lastPolledNanos = nowNanos;
    if (overflowed) return null;
    List<JsonObject> taken = List.copyOf(queued);
    queued.clear();
    return taken;
  }

  synchronized boolean idleSince(long cutoffNanos) {
    return lastPolledNanos - cutoffNanos < 0;
  }
}
