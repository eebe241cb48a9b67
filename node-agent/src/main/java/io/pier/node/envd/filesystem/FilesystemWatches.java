package io.pier.node.envd.filesystem;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The folder watches of the in-sandbox API on this node, all fed by each repl's one workspace watcher (no inotify
 * instance of their own): {@code WatchDir} streams and the polling watchers of {@code CreateWatcher}. Bounded: at most
 * {@code perRepl} watches of both kinds at once on one repl ({@code resource_exhausted} past that), at most
 * {@code maxQueued} events waiting in each, and a polling watcher not polled for {@code pollExpiry} is removed, as is
 * every watcher of a repl that stops. Meter: {@code pier.envd.watches}.
 */
final class FilesystemWatches {
  private final Vertx vertx;
  private final int perRepl;
  private final int maxQueued;
  private final Duration pollExpiry;
  private final LongSupplier nanoTime;
  private final Map<String, AtomicInteger> openPerRepl = new ConcurrentHashMap<>();
  private final Map<String, PollingWatcher> pollers = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final long sweeper;

  FilesystemWatches(
      Vertx vertx,
      MeterRegistry metrics,
      int perRepl,
      int maxQueued,
      Duration pollExpiry,
      LongSupplier nanoTime) {
    this.vertx = vertx;
    this.perRepl = perRepl;
    this.maxQueued = maxQueued;
    this.pollExpiry = pollExpiry;
    this.nanoTime = nanoTime;
    Gauge.builder("pier.envd.watches", open, AtomicInteger::get)
        .description("Folder watches of the in-sandbox API (streams and polling watchers) open now")
        .register(metrics);
    long sweepMs = Math.max(1, Math.min(10_000, pollExpiry.toMillis() / 2));
    this.sweeper = vertx.setPeriodic(sweepMs, t -> expireIdle());
  }

  /** Stops the sweep of idle watchers (the node-agent is stopping). */
  void close() {
    vertx.cancelTimer(sweeper);
  }

  /** Starts a {@code WatchDir} stream on a folder that was checked to be one. Call on the call's context. */
  void stream(
      LiveRepl repl, EnvdPath folder, boolean recursive, Duration keepalive, MessageSink out) {
    Runnable release = take(repl.slug());
    Context context = vertx.getOrCreateContext();
    new WatchDirStream(
            vertx,
            context,
            repl,
            new WatchEvents(folder, recursive),
            out,
            maxQueued,
            keepalive,
            release)
        .start();
  }

  /** @return the new watcher's id, once it listens */
  Future<String> create(LiveRepl repl, EnvdPath folder, boolean recursive) {
    Runnable release = take(repl.slug());
    String id = UUID.randomUUID().toString();
    String key = key(repl.slug(), id);
    PollingWatcher watcher =
        new PollingWatcher(
            repl,
            new WatchEvents(folder, recursive),
            maxQueued,
            nanoTime.getAsLong(),
            () -> forget(key),
            release);
    pollers.put(key, watcher);
    Promise<String> listening = Promise.promise();
    repl.context()
        .runOnContext(
            v -> {
              if (repl.listen(watcher)) {
                listening.complete(id);
              } else {
                forget(key);
                listening.fail(
                    new ConnectException(ConnectCode.UNAVAILABLE, "the sandbox is stopping"));
              }
            });
    return listening.future();
  }

  /** The events since the last poll. */
  List<JsonObject> events(LiveRepl repl, String id) {
    PollingWatcher watcher = find(repl, id);
    List<JsonObject> events = watcher.poll(nanoTime.getAsLong());
    if (events == null) {
      remove(repl, id);
      throw new ConnectException(
          ConnectCode.RESOURCE_EXHAUSTED,
          "more than "
              + maxQueued
              + " events happened since the last poll and were lost; the watcher is removed: create it again");
    }
    return events;
  }

  void remove(LiveRepl repl, String id) {
    PollingWatcher watcher = find(repl, id);
    String key = key(repl.slug(), id);
    if (pollers.remove(key, watcher)) {
      repl.context().runOnContext(v -> repl.unlisten(watcher));
      watcher.release();
    }
  }

  private PollingWatcher find(LiveRepl repl, String id) {
    PollingWatcher watcher = id == null ? null : pollers.get(key(repl.slug(), id));
    if (watcher == null || watcher.repl() != repl)
      throw new ConnectException(
          ConnectCode.NOT_FOUND,
          "no watcher "
              + (id == null ? "" : id)
              + " (never made, removed, not polled for "
              + pollExpiry.toSeconds()
              + " s, or the sandbox restarted)");
    return watcher;
  }

  private void forget(String key) {
    PollingWatcher watcher = pollers.remove(key);
    if (watcher != null) watcher.release();
  }

  private void expireIdle() {
    long cutoff = nanoTime.getAsLong() - pollExpiry.toNanos();
    pollers.forEach(
        (key, watcher) -> {
          if (watcher.idleSince(cutoff) && pollers.remove(key, watcher)) {
            watcher.repl().context().runOnContext(v -> watcher.repl().unlisten(watcher));
            watcher.release();
          }
        });
  }

  /** Counts a new watch of the repl, or refuses it. @return what gives it back, once */
  private Runnable take(String slug) {
    AtomicInteger count = openPerRepl.computeIfAbsent(slug, s -> new AtomicInteger());
    if (count.incrementAndGet() > perRepl) {
      release(slug, count);
      throw new ConnectException(
          ConnectCode.RESOURCE_EXHAUSTED,
          "a sandbox has at most " + perRepl + " folder watches open; stop one first");
    }
    open.incrementAndGet();
    AtomicInteger once = new AtomicInteger();
    return () -> {
      if (once.getAndIncrement() == 0) {
        open.decrementAndGet();
        release(slug, count);
      }
    };
  }

  private void release(String slug, AtomicInteger count) {
    if (count.decrementAndGet() <= 0) openPerRepl.remove(slug, count);
  }

  private static String key(String slug, String id) {
    return slug + "/" + id;
  }

  /** Watches open now, streams and polling watchers. */
  int open() {
    return open.get();
  }
}
