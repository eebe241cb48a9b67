package io.pier.node.session;

import io.pier.node.collab.DocumentDisk;
import io.pier.node.collab.ReplDocuments;
import io.pier.node.limits.BlockingPool;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where co-edited documents meet the workspace: they are read and written through the repl's {@link WorkspaceFiles}
 * exactly as the {@code fs.*} operations are (no link is followed, no special file opened, nothing outside the
 * workspace), on the node's file pool, and every write is journalled for storage and announced to the sessions as an
 * {@code fs} change like any save.
 */
final class DocumentFiles implements ReplDocuments.Reader, DocumentDisk.Store {
  private final LiveRepl repl;
  private final BlockingPool pool;

  DocumentFiles(LiveRepl repl, BlockingPool pool) {
    this.repl = repl;
    this.pool = pool;
  }

  @Override
  public Future<String> read(String path) {
    return Future.fromCompletionStage(
        pool.submit(() -> repl.files().read(path).content()), repl.context());
  }

  @Override
  public Future<String> store(String path, String text) {
    return Future.fromCompletionStage(
            pool.submit(
                () -> {
                  boolean existed = repl.files().exists(path);
                  String version = repl.files().write(path, text, null);
                  repl.saved(List.of(path));
                  return new FileChange(path, "file", existed ? "modified" : "created", version);
                }),
            repl.context())
        .map(
            change -> {
              repl.announce(List.of(change), null);
              return change.version();
            });
  }
}
