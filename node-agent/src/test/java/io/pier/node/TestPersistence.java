package io.pier.node;

import io.pier.common.auth.EnvCipher;
import io.pier.common.repl.ReplEnvStore;
import io.pier.common.store.ObjectStore;
import io.pier.node.workspace.WorkspaceSync;
import io.pier.node.workspace.WriteBehind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** The persistence a test's node gives its agents, so that fast tests and integration tests save alike. */
final class TestPersistence {
  private TestPersistence() {}

  /** Saves to {@code store}, journals under {@code data}, on the given transfer threads and timer. */
  static Persistence of(
      ObjectStore store, Path data, ExecutorService transfers, ScheduledExecutorService timer) {
    return new Persistence(
        new WorkspaceSync(store, transfers),
        store,
        data.resolve("journal"),
        WriteBehind.Settings.DEFAULT,
        timer,
        transfers,
        Clock.systemUTC(),
        Duration.ofSeconds(20),
        new ReplEnvStore(store, new EnvCipher("a-test-secret-of-enough-length")));
  }
}
