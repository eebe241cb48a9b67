package io.pier.node;

import io.pier.common.http.ApiException;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.pier.common.repl.Route;
import io.pier.node.StartSteps.Step;
import io.pier.node.pool.PoolKey;
import io.pier.node.sandbox.FoundSandbox;
import io.pier.node.sandbox.KeptSandbox;
import io.pier.node.sandbox.SandboxHandle;
import io.pier.node.sandbox.StartedSandbox;
import io.pier.node.session.FileChange;
import io.pier.node.session.LiveRepl;
import io.pier.node.session.PrefetchedEnvironment;
import io.pier.node.session.ReplEnvironment;
import io.pier.node.session.WorkspaceWatcher;
import io.pier.node.workspace.DiskFull;
import io.pier.node.workspace.IgnoreList;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.RestoreMark;
import io.pier.node.workspace.WorkspaceSnapshot;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.WriteBehind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking steps of a repl's life on this node: from storage into a new sandbox with everything around it, and
 * back into storage before sandbox, workspace and handle go. Callers run one operation per slug at a time, off the
 * event loop.
 */
final class ReplLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ReplLifecycle.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(3);

  private final NodeParts parts;
  private final ReplSandboxes sandboxes;
  private final SandboxStarts starts;
  private final Duration terminalLinger;
  private final ReplMeters meters;

  ReplLifecycle(
      NodeParts parts,
      ReplSandboxes sandboxes,
      SandboxStarts starts,
      Duration terminalLinger,
      ReplMeters meters) {
    this.parts = parts;
    this.sandboxes = sandboxes;
    this.starts = starts;
    this.terminalLinger = terminalLinger;
    this.meters = meters;
  }

  /** Restores the repl's workspace from storage into a spare sandbox or a new one, and keeps its handle. */
  RunningRepl launch(StartRequest request) {
    long began = System.nanoTime();
    String slug = request.slug();
    PoolKey key = sandboxes.keyOf(request);
    StartSteps steps = meters.steps();
    steps.time(
        Step.CLEAR,
        () -> {
          remove(slug, null);
          parts.persistence().journal(slug).delete();
        });
    Map<String, String> annotations = ReplAnnotations.of(request);
    // The sandbox is made the slug's (warm) or created and started (cold) beside the restore, so
    // the restore and sandbox steps overlap and their timers add up to more than the start took.
    // Its workspace is readied before either; the run command waits for the restore, as it starts
    // only after this method returns.
    Optional<SandboxStarts.WarmClaim> warm = starts.warm(slug, key, annotations);
    Optional<SandboxStarts.ColdStart> cold =
        warm.isPresent()
            ? Optional.empty()
            : Optional.of(
                starts.coldBeside(
                    slug,
                    key,
                    steps.time(Step.WORKSPACE, () -> starts.coldWorkspace(slug, key)),
                    annotations,
                    steps));
    // Read beside the restore too: the first run needs the variables once the files are in.
    ReplEnvironment environment = environmentOf(slug);
    PrefetchedEnvironment firstRead =
        new PrefetchedEnvironment(
            environment,
            parts
                .host()
                .blocking(environment::variables)
                .toCompletionStage()
                .toCompletableFuture());
    WorkspaceSnapshot stored;
    try {
      stored = steps.time(Step.RESTORE, () -> restore(slug, request));
    } catch (RuntimeException e) {
      // No half-restored repl runs: the sandbox goes once it exists, and the start fails with the
      // restore's error.
      warm.ifPresent(starts::settle);
      cold.ifPresent(starts::abandon);
      throw e;
    }
    StartedSandbox started;
    if (warm.isPresent()) {
      long sandboxBegan = System.nanoTime();
      started = starts.finish(warm.get());
      steps.record(Step.SANDBOX, sandboxBegan);
    } else {
      started = starts.finish(cold.get());
    }
    meters.launched(Duration.ofNanos(System.nanoTime() - began), warm.isPresent());
    return steps.time(
        Step.ATTACH,
        () ->
            attach(
                slug,
                started.handle().id(),
                started.address(),
                parts.me().route(slug, started.endpoint()),
                new LiveRepl.RunSpec(request.run(), request.port(), request.open()),
                firstRead,
                request.limits(),
                stored));
  }

  /** The variables the repl's owner set, as its processes get them: read afresh at each call. */
  ReplEnvironment environmentOf(String slug) {
    return () -> parts.persistence().environments().environment(slug);
  }

  /**
   * Restores the repl's files from storage into its workspace. A mark in the journal folder says a restore is under
   * way: an agent that dies before it ends removes the half-restored workspace on restart instead of storing it.
   */
  private WorkspaceSnapshot restore(String slug, StartRequest request) {
    RestoreMark restoring = parts.persistence().restoreMark(slug);
    try {
      restoring.set();
      WorkspaceSnapshot stored =
          parts.persistence().sync().restore(slug, parts.workspaces().tree(slug));
      restoring.clear();
      return stored;
    } catch (RuntimeException e) {
      if (!DiskFull.causedBy(e)) throw e;
      long sizeMb = parts.workspaces().sizeMb(request.limits());
      throw new ApiException(
          507,
          "disk_full",
          "the files of "
              + slug
              + " do not fit "
              + (sizeMb > 0
                  ? "its workspace of " + sizeMb + " MiB"
                  : "on node " + parts.me().nodeId() + "'s disk"));
    }
  }

  /** Puts the session state, the write-behind queue and the watcher that feeds both around a running sandbox. */
  RunningRepl attach(
      String slug,
      String sandboxId,
      Optional<String> sandboxAddress,
      Route route,
      LiveRepl.RunSpec spec,
      ReplEnvironment environment,
      Limits limits,
      WorkspaceSnapshot stored) {
    Path dir = parts.workspaces().of(slug);
    WorkspaceTree tree = parts.workspaces().tree(slug);
    Persistence persistence = parts.persistence();
    WriteBehind writeBehind =
        new WriteBehind(
            slug,
            tree,
            persistence.store(),
            IgnoreList.forWorkspace(tree),
            persistence.journal(slug),
            persistence.settings(),
            persistence.timer(),
            persistence.transfers(),
            persistence.clock(),
            stored);
    LiveRepl live =
        new LiveRepl(
            parts.host().vertx(),
            parts.host().context(),
            slug,
            sandboxId,
            parts.driver(),
            dir,
            spec,
            terminalLinger,
            environment,
            parts.waitingRuns(),
            writeBehind::changed);
    WorkspaceWatcher watcher;
    try {
      watcher =
          new WorkspaceWatcher(
              dir,
              IgnoreList.DEFAULT,
              live.files(),
              parts.watchers(),
              changes -> {
                writeBehind.changed(changes.stream().map(FileChange::path).toList());
                live.context().runOnContext(v -> live.workspaceChanged(changes));
              });
    } catch (IOException e) {
      writeBehind.close();
      throw new UncheckedIOException(e);
    }
    return new RunningRepl(
        slug, sandboxId, sandboxAddress, route, spec.port(), limits, live, writeBehind, watcher);
  }

  /**
   * Waits until everything the repl's queue holds is stored.
   *
   * @throws ApiException {@code 503 storage_unavailable} when storage does not take it in time; the repl keeps running
   */
  void drain(RunningRepl r) throws InterruptedException, ExecutionException {
    try {
      r.writeBehind()
          .drain()
          .get(parts.persistence().drainTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(
          503,
          "storage_unavailable",
          "cannot store the files of "
              + r.slug()
              + " ("
              + r.writeBehind().status().lastError()
              + "); it keeps running, try again later");
    }
  }

  /**
   * Stops the sandbox of a repl whose sessions are closed, stores its files a last time and removes it all.
   *
   * @return the workspace paths that could not be stored, with why
   */
  Map<String, String> retire(RunningRepl r) {
    String slug = r.slug();
    parts.driver().stop(r.sandboxId(), STOP_GRACE);
    r.watcher().close();
    // A last full comparison catches what the watcher may have missed (an overflow in a burst of
    // changes).
    WorkspaceSnapshot flushed =
        parts
            .persistence()
            .sync()
            .flush(slug, parts.workspaces().tree(slug), r.writeBehind().storedSnapshot());
    Map<String, String> unsaved = new TreeMap<>(r.writeBehind().unstorable());
    unsaved.putAll(flushed.refused());
    // What was given up earlier but is stored now (renamed, or a folder the repl deleted) is not
    // lost.
    unsaved.keySet().removeAll(flushed.files().keySet());
    if (!unsaved.isEmpty()) {
      LOG.warn(
          "{}: stopped without storing {} paths: {}",
          slug,
          unsaved.size(),
          PathReports.describe(unsaved));
    }
    r.writeBehind().close();
    meters.retired(r.writeBehind());
    parts.persistence().journal(slug).delete();
    remove(slug, r.sandboxId());
    return Map.copyOf(unsaved);
  }

  /** Undoes a start that failed: whatever of it was made goes, nothing is stored. */
  void discard(String slug, RunningRepl half) {
    if (half != null) {
      half.watcher().close();
      half.writeBehind().close();
    }
    remove(slug, null);
    parts.persistence().journal(slug).delete();
  }

  /** Stops the sandboxes of a repl about to be saved and removed, so that nothing writes its workspace meanwhile. */
  void halt(String slug, String sandboxId) {
    if (sandboxId != null) parts.driver().stop(sandboxId, STOP_GRACE);
    kept(slug)
        .filter(id -> !id.equals(sandboxId))
        .ifPresent(id -> parts.driver().stop(id, STOP_GRACE));
  }

  /**
   * Removes every sandbox of the slug (its own, any left over, the one its handle names), then its workspace and
   * handle.
   */
  void remove(String slug, String sandboxId) {
    if (sandboxId != null) parts.driver().destroy(sandboxId);
    for (FoundSandbox found : parts.driver().list()) {
      if (slug.equals(found.handle().slug())) parts.driver().destroy(found.handle().id());
    }
    kept(slug).ifPresent(parts.driver()::destroy);
    // Only once no sandbox holds the workspace: then unmounting it frees its filesystem.
    parts.workspaces().remove(slug);
    parts.persistence().restoreMark(slug).clear();
    parts.handles().delete(slug);
  }

  /** The id of the sandbox the slug's handle names, if this driver made it. */
  private Optional<String> kept(String slug) {
    return parts
        .handles()
        .read(slug)
        .map(KeptSandbox::handle)
        .filter(h -> parts.driver().name().equals(h.driver()))
        .map(SandboxHandle::id);
  }
}
