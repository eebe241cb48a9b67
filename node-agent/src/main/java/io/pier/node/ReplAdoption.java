package io.pier.node;

import io.pier.common.cluster.SharedMap;
import io.pier.common.repl.ReplRecord;
import io.pier.common.repl.ReplState;
import io.pier.common.repl.Route;
import io.pier.node.sandbox.FoundSandbox;
import io.pier.node.sandbox.KeptSandbox;
import io.pier.node.sandbox.SandboxDriver;
import io.pier.node.session.LiveRepl;
import io.pier.node.workspace.Journal;
import io.pier.node.workspace.WorkspaceSnapshot;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's sandboxes agree with the registry after the agent (re)started: repls the registry says run here
 * are adopted from their handles; the rest are removed, after saving their workspace when no other node runs the repl.
 * A sandbox without a handle (started by an agent that kept none) is adopted from what its driver kept with it, once:
 * adopting it writes its handle.
 */
final class ReplAdoption {
  private static final Logger LOG = LoggerFactory.getLogger(ReplAdoption.class);

  /** A sandbox that still runs as its repl needs, with the route it is reached at. */
  private record Adoptable(KeptSandbox kept, LiveRepl.RunSpec spec, Route route) {}

  private final NodeParts parts;
  private final SharedMap<Route> routes;
  private final SharedMap<ReplRecord> repls;
  private final ReplLifecycle lifecycle;
  private final Map<String, RunningRepl> running;

  ReplAdoption(
      NodeParts parts,
      SharedMap<Route> routes,
      SharedMap<ReplRecord> repls,
      ReplLifecycle lifecycle,
      Map<String, RunningRepl> running) {
    this.parts = parts;
    this.routes = routes;
    this.repls = repls;
    this.lifecycle = lifecycle;
    this.running = running;
  }

  Future<Void> reconcile() {
    return parts
        .host()
        .blocking(
            () -> {
              Map<String, FoundSandbox> found = new HashMap<>();
              for (FoundSandbox sandbox : parts.driver().list())
                found.put(sandbox.handle().slug(), sandbox);
              Set<String> slugs = new TreeSet<>(found.keySet());
              slugs.addAll(parts.workspaces().present());
              slugs.addAll(parts.handles().slugs());
              return new Found(slugs, found);
            })
        .compose(
            found -> {
              List<Future<Void>> done = new ArrayList<>();
              for (String slug : found.slugs()) {
                done.add(
                    repls
                        .get(slug)
                        .compose(record -> reconcile(slug, record, found.sandboxes().get(slug))));
              }
              return Future.join(done).mapEmpty();
            });
  }

  private record Found(Set<String> slugs, Map<String, FoundSandbox> sandboxes) {}

  private Future<Void> reconcile(String slug, ReplRecord record, FoundSandbox listed) {
    boolean ownedHere =
        record != null
            && parts.me().nodeId().equals(record.nodeId())
            && (record.state() == ReplState.RUNNING || record.state() == ReplState.STARTING);
    // After a reboot a workspace's filesystem is not mounted: its folder would look empty, and
    // saving it would delete
    // the repl's files from storage.
    return parts
        .host()
        .blocking(
            () -> {
              boolean readable = reopen(slug);
              return new Checked(
                  readable, readable && ownedHere ? adoptable(slug, listed) : Optional.empty());
            })
        .compose(
            checked ->
                checked.adoptable().isPresent()
                    ? adopt(slug, record, checked.adoptable().get())
                    : clearAway(slug, record, listed, checked.readable()));
  }

  /** @param readable false when the workspace's volume cannot be read: its folder must not be taken for its files */
  private record Checked(boolean readable, Optional<Adoptable> adoptable) {}

  /** Mounts the slug's workspace again if it has a volume. @return false when it cannot be read */
  private boolean reopen(String slug) {
    try {
      parts.workspaces().reopen(slug);
      return true;
    } catch (RuntimeException e) {
      LOG.error("{}; what only this node had of {} is not saved", e.getMessage(), slug);
      return false;
    }
  }

  /** The slug's sandbox if it runs as its repl needs: by its handle, else by what its driver kept with it. */
  private Optional<Adoptable> adoptable(String slug, FoundSandbox listed) {
    if (!Files.isDirectory(parts.workspaces().of(slug))) return Optional.empty();
    // A start's sandbox is created (or a spare claimed) beside the restore, so one whose agent died
    // mid-restore may run: its workspace holds part of the files, so it is cleared away unsaved.
    if (parts.persistence().restoreMark(slug).isSet()) return Optional.empty();
    List<KeptSandbox> candidates = new ArrayList<>();
    parts
        .handles()
        .read(slug)
        .filter(kept -> parts.driver().name().equals(kept.handle().driver()))
        .ifPresent(candidates::add);
    if (listed != null
        && candidates.stream().noneMatch(kept -> kept.handle().id().equals(listed.handle().id()))) {
      candidates.add(new KeptSandbox(listed.handle(), listed.annotations()));
    }
    for (KeptSandbox kept : candidates) {
      Optional<LiveRepl.RunSpec> spec = ReplAnnotations.runSpec(kept.annotations());
      if (spec.isEmpty()) continue;
      SandboxDriver.Recovered recovered = parts.driver().recover(kept.handle());
      if (!recovered.running() || (spec.get().port() != 0 && recovered.endpoint().isEmpty()))
        continue;
      return Optional.of(
          new Adoptable(kept, spec.get(), parts.me().route(slug, recovered.endpoint())));
    }
    return Optional.empty();
  }

  private Future<Void> adopt(String slug, ReplRecord record, Adoptable adoptable) {
    // The old run process's output stream died with the old agent: restart it to have one again.
    return parts
        .host()
        .blocking(
            () -> {
              // Kept first: from now on the handle is what adopts it, whatever the driver kept.
              parts.handles().save(adoptable.kept());
              // What the old agent had not stored yet: its journal names what was saved; comparing
              // with storage also
              // finds what processes wrote in the moment before the old agent's watcher saw it.
              Set<String> journalled = Journal.read(parts.persistence().journalFile(slug));
              WorkspaceSnapshot storedNow =
                  parts
                      .persistence()
                      .sync()
                      .recover(slug, parts.workspaces().tree(slug), journalled);
              LOG.info(
                  "adopted {}: storage brought up to date ({} journalled changes)",
                  slug,
                  journalled.size());
              return lifecycle.attach(
                  slug,
                  adoptable.kept().handle().id(),
                  // Not probed: an adopted repl's app runs already.
                  Optional.empty(),
                  adoptable.route(),
                  adoptable.spec(),
                  lifecycle.environmentOf(slug),
                  record.limits(),
                  storedNow);
            })
        .compose(
            adopted -> {
              running.put(slug, adopted);
              LOG.info("adopted running repl {}", slug);
              return parts.host().onContext(adopted.live()::startRun);
            })
        .compose(v -> routes.put(slug, adoptable.route()));
  }

  /** Removes what this node has of a repl it does not run, saving its work first unless another node runs it. */
  private Future<Void> clearAway(
      String slug, ReplRecord record, FoundSandbox listed, boolean readable) {
    boolean runsElsewhere =
        record != null && record.nodeId() != null && !parts.me().nodeId().equals(record.nodeId());
    Future<Boolean> staleRoute =
        routes.removeIf(slug, route -> parts.me().nodeId().equals(route.nodeId()));
    return staleRoute.transform(
        ignored ->
            parts
                .host()
                .blocking(
                    () -> {
                      // A repl missing from the registry may only be waiting for a scheduler to
                      // recover it from storage.
                      boolean exists = record != null || parts.persistence().sync().isStored(slug);
                      // A restore cut short left part of the stored files: storage has them all.
                      boolean halfRestored = parts.persistence().restoreMark(slug).isSet();
                      if (halfRestored) LOG.info("{}: not saving a restore cut short", slug);
                      if (exists
                          && readable
                          && !halfRestored
                          && Files.isDirectory(parts.workspaces().of(slug))) {
                        lifecycle.halt(slug, listed == null ? null : listed.handle().id());
                        Set<String> journalled =
                            Journal.read(parts.persistence().journalFile(slug));
                        if (runsElsewhere) {
                          // Another node runs it now from storage; what only this node had is kept
                          // aside, not lost and not
                          // written over the newer files.
                          int kept =
                              parts
                                  .persistence()
                                  .sync()
                                  .keepAside(
                                      slug,
                                      parts.workspaces().tree(slug),
                                      journalled,
                                      parts.me().nodeId() + "-" + Instant.now().getEpochSecond());
                          if (kept > 0)
                            LOG.warn(
                                "{} runs on {} now; kept {} files only this node had under recovered/",
                                slug,
                                record.nodeId(),
                                kept);
                        } else {
                          parts
                              .persistence()
                              .sync()
                              .recover(slug, parts.workspaces().tree(slug), journalled);
                          LOG.info("saved the workspace of orphaned repl {}", slug);
                        }
                      }
                      lifecycle.remove(slug, listed == null ? null : listed.handle().id());
                      parts.persistence().journal(slug).delete();
                      LOG.info("removed orphaned repl {} from this node", slug);
                      return null;
                    }));
  }
}
