package io.pier.node;

import io.pier.common.concurrent.DaemonThreads;
import io.pier.common.http.ApiException;
import io.pier.node.StartSteps.Step;
import io.pier.node.pool.PoolKey;
import io.pier.node.pool.Spare;
import io.pier.node.pool.WarmPool;
import io.pier.node.sandbox.ImageMissing;
import io.pier.node.sandbox.KeptSandbox;
import io.pier.node.sandbox.SandboxException;
import io.pier.node.sandbox.SandboxHandle;
import io.pier.node.sandbox.StartedSandbox;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repl's sandbox, either way: a spare of its kind taken from the pool (warm), or one created for it (cold). Both
 * keep the sandbox's handle under the slug.
 */
final class SandboxStarts {
  private static final Logger LOG = LoggerFactory.getLogger(SandboxStarts.class);

  private final NodeParts parts;
  private final ReplSandboxes sandboxes;
  private final WarmPool pool;
  private final ExecutorService claims;
  private final ExecutorService creations;

  /**
   * @param claims    where spares are made the slugs' while their files are restored
   * @param creations where cold starts' sandboxes are created and started while their files are restored
   *                  ({@link #creationThreads})
   */
  SandboxStarts(
      NodeParts parts,
      ReplSandboxes sandboxes,
      WarmPool pool,
      ExecutorService claims,
      ExecutorService creations) {
    this.parts = parts;
    this.sandboxes = sandboxes;
    this.pool = pool;
    this.claims = claims;
    this.creations = creations;
  }

  /**
   * Threads for {@link #coldBeside}: as many as starts are under way (each start submits one creation), so a
   * creation never queues behind another start's; idle ones end after a minute.
   */
  static ExecutorService creationThreads() {
    return Executors.newCachedThreadPool(DaemonThreads.named("sandbox-create"));
  }

  /**
   * A spare being made the slug's: its workspace is the slug's already, while the driver's claim (a rename, for
   * Docker) and the handle's save run beside the restore.
   */
  record WarmClaim(String sandboxId, Future<StartedSandbox> claim) {}

  /**
   * Takes a spare of the kind for the slug: its empty workspace becomes the slug's workspace
   * ({@link io.pier.node.workspace.Workspaces#of}) at once, and the sandbox becomes the slug's in the background
   * ({@link #finish}). Empty when the pool has none, or the spare's workspace cannot be taken (the spare is thrown away
   * then, and the repl starts cold).
   */
  Optional<WarmClaim> warm(String slug, PoolKey key, Map<String, String> annotations) {
    Optional<Spare> claimed = pool.claim(key);
    if (claimed.isEmpty()) return Optional.empty();
    Spare spare = claimed.get();
    String id = spare.sandbox().handle().id();
    try {
      parts.workspaces().adoptSpare(spare.id(), slug);
    } catch (RuntimeException e) {
      LOG.warn(
          "{}: cannot take spare {} ({}); creating a sandbox", slug, spare.id(), e.getMessage());
      parts.driver().destroy(id);
      parts.workspaces().removeSpare(spare.id());
      parts.workspaces().remove(slug);
      return Optional.empty();
    }
    Future<StartedSandbox> claim =
        claims.submit(
            () -> {
              SandboxHandle handle = parts.driver().claim(id, slug);
              parts.handles().save(new KeptSandbox(handle, annotations));
              return new StartedSandbox(
                  handle, spare.sandbox().endpoint(), spare.sandbox().address());
            });
    return Optional.of(new WarmClaim(id, claim));
  }

  /**
   * Waits for the claim of a warm start.
   *
   * @throws SandboxException when the sandbox could not be made the slug's; it is destroyed then
   */
  StartedSandbox finish(WarmClaim warm) {
    try {
      return warm.claim().get();
    } catch (ExecutionException e) {
      parts.driver().destroy(warm.sandboxId());
      throw new SandboxException(
          "cannot take the spare: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      parts.driver().destroy(warm.sandboxId());
      throw new SandboxException("interrupted while taking the spare", e);
    }
  }

  /** Waits for the claim of a warm start that failed otherwise, so that removing the slug finds its sandbox. */
  void settle(WarmClaim warm) {
    try {
      finish(warm);
    } catch (SandboxException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  /**
   * Makes room among the spares for the sandbox the slug needs (its start's reservation is counted already), then its
   * empty workspace, readied for the driver: made and handed over before the sandbox is created over it, as a
   * spare's is, since the sandbox is now created while the files are restored into it.
   */
  Path coldWorkspace(String slug, PoolKey key) {
    pool.makeRoom();
    Path dir;
    try {
      dir = parts.workspaces().create(slug, key.limits());
    } catch (RuntimeException e) {
      throw new ApiException(503, "workspace_unavailable", e.getMessage());
    }
    parts.driver().workspaces().prepare(dir);
    return dir;
  }

  /** A sandbox being created and started for the slug, beside the restore of its files. */
  record ColdStart(CompletableFuture<StartedSandbox> sandbox) {}

  /**
   * Creates and starts the slug's sandbox over its readied workspace {@code dir} in the background, timed as the
   * {@link Step#SANDBOX} step, while the caller restores the files into {@code dir}. Safe while the restore writes: the
   * sandbox runs only its idle command ({@link ReplSandboxes}), nothing of the user's, until the run command, which
   * starts only once {@link #finish(ColdStart)} returned after the restore.
   */
  ColdStart coldBeside(
      String slug, PoolKey key, Path dir, Map<String, String> annotations, StartSteps steps) {
    return new ColdStart(
        CompletableFuture.supplyAsync(
            () -> steps.time(Step.SANDBOX, () -> cold(slug, key, dir, annotations)), creations));
  }

  /**
   * Waits for the sandbox of a cold start whose files are restored.
   *
   * @throws RuntimeException what creating or starting it threw (it left no sandbox then)
   */
  StartedSandbox finish(ColdStart cold) {
    try {
      return cold.sandbox().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new SandboxException("cannot start the sandbox: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon(cold);
      throw new SandboxException("interrupted while starting the sandbox", e);
    }
  }

  /**
   * Removes the sandbox of a cold start that failed otherwise (its restore), once it exists: a creation still under
   * way when the start gives up would otherwise leave a container that the start's clean-up did not find.
   */
  void abandon(ColdStart cold) {
    StartedSandbox started;
    try {
      // Uninterruptible: the start's clean-up must not run before the sandbox it removes exists.
      started = cold.sandbox().join();
    } catch (CompletionException e) {
      LOG.warn("the sandbox did not start either: {}", e.getCause().getMessage());
      return;
    }
    parts.driver().destroy(started.handle().id());
    parts.handles().delete(started.handle().slug());
  }

  /** Creates and starts the slug's sandbox over its readied workspace {@code dir}, and keeps its handle. */
  private StartedSandbox cold(String slug, PoolKey key, Path dir, Map<String, String> annotations) {
    StartedSandbox started;
    try {
      // Beside the restore too: the first run then starts without an exec of its own.
      started = sandboxes.startWaitingForItsRun(sandboxes.spec(slug, key, dir, annotations));
    } catch (ImageMissing e) {
      throw new ApiException(
          422,
          "image_missing",
          "runner image " + key.image() + " is not on node " + parts.me().nodeId());
    }
    parts.handles().save(new KeptSandbox(started.handle(), annotations));
    return started;
  }
}
