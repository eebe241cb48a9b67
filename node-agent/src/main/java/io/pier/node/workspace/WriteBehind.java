package io.pier.node.workspace;

import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageKeys;
import io.pier.common.store.StorageLayout;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a running repl's changes to storage behind the user's back. Each changed path waits for a quiet period
 * (so typing is one upload, not one per keystroke), but never longer than a maximum delay; changes to the same path
 * coalesce; uploads run in parallel; a failed upload is retried with exponential backoff for as long as storage is
 * down. Every pending path is in a {@link Journal} on disk until it is stored. A path that can never be stored (not
 * a valid storage key, refused by storage, or unreadable time after time) is given up at once, logged once and kept
 * in {@link #unstorable()}, so that it never holds a stop.
 */
public final class WriteBehind implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

  /**
   * @param quiet    a path is uploaded once it has not changed for this long
   * @param maxDelay … or once it has been pending this long, even if it keeps changing
   */
  public record Settings(
      Duration quiet, Duration maxDelay, Duration retryMin, Duration retryMax, Duration tick) {
    public static final Settings DEFAULT =
        new Settings(
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            Duration.ofMillis(500),
            Duration.ofSeconds(30),
            Duration.ofMillis(100));
  }

  /**
   * What is not yet in storage.
   *
   * @param lag how long the oldest pending change has waited (zero when nothing is pending)
   */
  public record Status(
      int pending,
      Duration lag,
      long uploads,
      long deletes,
      long failures,
      String lastError,
      int unstorable) {}

  /** How often reading a workspace file may fail before it is given up (storage failures are retried forever). */
  static final int MAX_READ_FAILURES = 3;

  /** How many unstorable paths are remembered (and named in a stop's answer). */
  static final int MAX_UNSTORABLE = 1000;

  private static final class Dirty {
    Instant first;
    Instant last;
    long generation;
    boolean inFlight;
    int failures;
    int readFailures;
    Instant retryAt = Instant.MIN;
  }

  private final String slug;
  private final WorkspaceTree tree;
  private final String prefix;
  private final ObjectStore store;
  private IgnoreList ignoreList;
  private final Journal journal;
  private final Settings settings;
  private final ExecutorService transfers;
  private final Clock clock;
  private final Map<String, Dirty> pending = new HashMap<>();

  /** What storage holds of each file, as far as this node knows: lets the final flush skip what is stored. */
  private final Map<String, FileStamp> stored = new ConcurrentHashMap<>();

  private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();

  /** Paths given up, with why; the oldest are forgotten past {@link #MAX_UNSTORABLE}. */
  private final Map<String, String> unstorable =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > MAX_UNSTORABLE;
        }
      };

  private final ScheduledFuture<?> ticker;
  private long uploads;
  private long deletes;
  private long failures;
  private String lastError;
  private boolean forceAll;

  public WriteBehind(
      String slug,
      WorkspaceTree tree,
      ObjectStore store,
      IgnoreList ignoreList,
      Journal journal,
      Settings settings,
      ScheduledExecutorService timer,
      ExecutorService transfers,
      Clock clock,
      WorkspaceSnapshot restored) {
    this.slug = slug;
    this.tree = tree;
    this.prefix = StorageLayout.replFiles(slug);
    this.store = store;
    this.ignoreList = ignoreList;
    this.journal = journal;
    this.settings = settings;
    this.transfers = transfers;
    this.clock = clock;
    if (restored != null) stored.putAll(restored.files());
    long tickMs = settings.tick().toMillis();
    this.ticker = timer.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
  }

  /** Records that {@code paths} (relative to the workspace) were created, changed or deleted. */
  public void changed(Collection<String> paths) {
    Instant now = clock.instant();
    synchronized (this) {
      if (paths.contains(IgnoreList.FILE_NAME)) ignoreList = IgnoreList.forWorkspace(tree);
      List<String> fresh = new ArrayList<>();
      for (String path : paths) {
        if (path.isEmpty() || ignoreList.ignores(path)) continue;
        Optional<String> problem = StorageKeys.problem(prefix, path);
        if (problem.isPresent()) {
          giveUp(path, problem.get());
          continue;
        }
        unstorable.remove(path);
        Dirty d = pending.get(path);
        if (d == null) {
          d = new Dirty();
          d.first = now;
          pending.put(path, d);
          fresh.add(path);
        }
        d.last = now;
        d.generation++;
      }
      // One write to disk for a batch (an extracted archive names thousands of paths at once).
      journal.recordAll(fresh);
    }
  }

  /**
   * Uploads everything pending now, without waiting for quiet periods or backoff.
   *
   * @return completes when nothing is pending; it stays incomplete while storage is down
   */
  public CompletableFuture<Void> drain() {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    synchronized (this) {
      if (pending.isEmpty()) return CompletableFuture.completedFuture(null);
      forceAll = true;
      for (Dirty d : pending.values()) d.retryAt = Instant.MIN;
      drainWaiters.add(drained);
    }
    transfers.execute(this::tick);
    return drained;
  }

  public synchronized Status status() {
    Instant oldest =
        pending.values().stream().map(d -> d.first).min(Instant::compareTo).orElse(null);
    return new Status(
        pending.size(),
        oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant()),
        uploads,
        deletes,
        failures,
        lastError,
        unstorable.size());
  }

  /** The paths given up since the repl started here, with why. */
  public synchronized Map<String, String> unstorable() {
    return Map.copyOf(unstorable);
  }

  /** Remembers and logs (once per path) that a path cannot be stored. Holds the lock. */
  private void giveUp(String path, String reason) {
    if (unstorable.put(path, reason) == null) {
      LOG.warn("{}: {} cannot be stored, skipped: {}", slug, PathReports.printable(path), reason);
    }
  }

  /** What storage holds, as a snapshot for {@link WorkspaceSync#flush}. */
  public WorkspaceSnapshot storedSnapshot() {
    return new WorkspaceSnapshot(Map.copyOf(stored));
  }

  private void tick() {
    List<Map.Entry<String, Long>> due = new ArrayList<>();
    Instant now = clock.instant();
    synchronized (this) {
      for (Map.Entry<String, Dirty> e : pending.entrySet()) {
        Dirty d = e.getValue();
        if (d.inFlight || now.isBefore(d.retryAt)) continue;
        boolean quiet = !now.isBefore(d.last.plus(settings.quiet()));
        boolean overdue = !now.isBefore(d.first.plus(settings.maxDelay()));
        if (forceAll || quiet || overdue) {
          d.inFlight = true;
          due.add(Map.entry(e.getKey(), d.generation));
        }
      }
      forceAll = false;
    }
    for (Map.Entry<String, Long> item : due)
      transfers.execute(() -> transfer(item.getKey(), item.getValue()));
  }

  private void transfer(String path, long generation) {
    String key = prefix + path;
    try {
      Optional<Stat> stat;
      try {
        stat = tree.stat(path);
      } catch (WorkspaceAccessException e) {
        // A folder on the way became a link: the file is no longer in the workspace's own tree.
        if (e.reason() != WorkspaceAccessException.Reason.LINK) throw e;
        stat = Optional.empty();
      }
      if (stat.isPresent() && stat.get().kind() == Kind.FILE) {
        stored.put(path, Uploads.upload(store, tree, path, key));
        synchronized (this) {
          uploads++;
        }
      } else if (stat.isEmpty()) {
        // Gone: a file, or a folder with everything that was in it.
        store.delete(key);
        store.deletePrefix(key + "/");
        stored.keySet().removeIf(p -> p.equals(path) || p.startsWith(path + "/"));
        synchronized (this) {
          deletes++;
        }
      }
      done(path, generation, null);
    } catch (RuntimeException e) {
      done(path, generation, e);
    }
  }

  private void done(String path, long generation, Exception failure) {
    List<CompletableFuture<Void>> drained = List.of();
    synchronized (this) {
      Dirty d = pending.get(path);
      if (d == null) return;
      d.inFlight = false;
      if (failure instanceof ObjectStore.Refused
          || (failure instanceof WorkspaceAccessException
              && ++d.readFailures >= MAX_READ_FAILURES)) {
        giveUp(path, failure.getMessage());
        failure = null;
        generation = d.generation;
      }
      if (failure != null) {
        failures++;
        d.failures++;
        lastError = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        long backoff =
            Math.min(
                settings.retryMax().toMillis(),
                settings.retryMin().toMillis() << Math.min(16, d.failures - 1));
        d.retryAt = clock.instant().plusMillis(backoff);
        if (d.failures == 1 || d.failures % 10 == 0) {
          LOG.warn(
              "{}: storing {} failed ({} times), retrying in {} ms: {}",
              slug,
              path,
              d.failures,
              backoff,
              lastError);
        }
        if (!drainWaiters.isEmpty()) forceAll = false;
        return;
      }
      if (d.generation != generation) return;
      pending.remove(path);
      if (pending.isEmpty()) {
        journal.clear();
        lastError = null;
        drained = new ArrayList<>(drainWaiters);
        drainWaiters.clear();
      }
    }
    drained.forEach(f -> f.complete(null));
  }

  /** Stops the timer; pending paths stay in the journal. */
  @Override
  public void close() {
    ticker.cancel(false);
    journal.close();
  }
}
