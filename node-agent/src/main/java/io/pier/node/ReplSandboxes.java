package io.pier.node;

import io.pier.common.node.StartRequest;
import io.pier.node.pool.PoolKey;
import io.pier.node.pool.Spare;
import io.pier.node.pool.SpareFactory;
import io.pier.node.runtime.Runtimes;
import io.pier.node.sandbox.FoundSandbox;
import io.pier.node.sandbox.SandboxSpec;
import io.pier.node.sandbox.StartedSandbox;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this node's sandboxes are made, for a repl or as a spare: the same image, limits, runtime, idle command and
 * environment either way, so a spare is exactly the sandbox a start would have created, less the user's files.
 */
final class ReplSandboxes implements SpareFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ReplSandboxes.class);

  /** The sandbox idles; the run command and terminals are processes started in it, so a crashing app leaves the repl
   * up for the user to fix it. */
  private static final List<String> IDLE = List.of("sleep", "infinity");

  /** A spare's slug: a dot, which no slug holds, so a spare is never taken for a repl. */
  private static final String SPARE_PREFIX = "spare.";

  private final SecureRandom random = new SecureRandom();
  private final NodeParts parts;
  private final Runtimes runtimes;

  /** Given to every repl's sandbox (PIER_REPL_ENV); PORT is Pier's. */
  private final Map<String, String> replEnv;

  ReplSandboxes(NodeParts parts, Runtimes runtimes, Map<String, String> replEnv) {
    this.parts = parts;
    this.runtimes = runtimes;
    this.replEnv = Map.copyOf(replEnv);
  }

  /** The kind of sandbox the request needs. */
  PoolKey keyOf(StartRequest request) {
    return new PoolKey(
        request.image(),
        request.port(),
        request.limits(),
        runtimes.resolve(request.limits().runtime()).orElse(null));
  }

  /** The spec of a sandbox of the kind, named {@code slug}, with {@code dir} as its workspace. */
  SandboxSpec spec(String slug, PoolKey key, Path dir, Map<String, String> annotations) {
    Map<String, String> env = new HashMap<>(replEnv);
    env.put("PORT", String.valueOf(key.port()));
    return new SandboxSpec(
        slug, key.image(), IDLE, env, dir, key.port(), key.limits(), key.runtime(), annotations);
  }

  /**
   * Starts the sandbox of {@code spec} with a shell as its first process waiting for its first run
   * ({@code WaitingRuns}): a spare's and a cold start's alike, so that the first run starts without an exec of its own.
   */
  StartedSandbox startWaitingForItsRun(SandboxSpec spec) {
    return parts.waitingRuns().start(parts.driver(), spec);
  }

  @Override
  public Spare make(PoolKey key) {
    String id = HexFormat.of().formatHex(bytes());
    Path dir = parts.workspaces().createSpare(id, key.limits());
    try {
      parts.driver().workspaces().prepare(dir);
      StartedSandbox started =
          startWaitingForItsRun(spec(SPARE_PREFIX + id, key, dir, Map.of(SandboxSpec.SPARE, id)));
      return new Spare(id, key, started, dir);
    } catch (RuntimeException e) {
      parts.workspaces().removeSpare(id);
      throw e;
    }
  }

  @Override
  public void discard(Spare spare) {
    parts.driver().destroy(spare.sandbox().handle().id());
    parts.workspaces().removeSpare(spare.id());
  }

  /**
   * Removes the spares an earlier agent left, unclaimed: their sandboxes, then their workspaces. A spare that was
   * claimed is its repl's, found by the repl's slug.
   */
  void removeLeftovers() {
    for (FoundSandbox found : parts.driver().list()) {
      if (found.handle().slug().startsWith(SPARE_PREFIX)) {
        LOG.info("removing spare {} an earlier agent left", found.handle().slug());
        parts.driver().destroy(found.handle().id());
      }
    }
    parts.workspaces().removeSpares();
  }

  private byte[] bytes() {
    byte[] b = new byte[6];
    random.nextBytes(b);
    return b;
  }
}
