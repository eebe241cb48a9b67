package io.pier.node.collab;

import io.pier.node.session.WorkspaceFiles;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes co-edited documents to the workspace a short while after they change (write-behind), one write per file at
 * a time, so that a burst of keystrokes from several people is one write, not one per key. The writing itself is the
 * {@link Store}'s: the workspace's own safe write path (no links followed, no special files), journalled for storage.
 * On the repl's context.
 */
public final class DocumentDisk {
  /** Writes a file's text through the workspace's checks and journals it. @return the file's new version */
  public interface Store {
    Future<String> store(String path, String text);
  }

  /** How many of the versions written last are remembered per file, to tell our writes from others'. */
  private static final int WRITTEN_KEPT = 16;

  private final Vertx vertx;
  private final Store store;
  private final long delayMs;
  private final Map<String, Pending> pending = new HashMap<>();

  /** @param delayMs how long after the first unwritten change a document is written */
  public DocumentDisk(Vertx vertx, Store store, long delayMs) {
    this.vertx = vertx;
    this.store = store;
    this.delayMs = delayMs;
  }

  private static final class Pending {
    long timer = -1;
    Future<String> writing;
    boolean dirty;
    String lastVersion;
    final Deque<String> written = new ArrayDeque<>();
  }

  /** {@code doc} changed: it is written within the delay (or right after the write in flight). */
  public void changed(SharedDocument doc) {
    Pending p = pending.computeIfAbsent(doc.path(), k -> new Pending());
    p.dirty = true;
    if (p.timer < 0 && p.writing == null)
      p.timer = vertx.setTimer(delayMs, t -> write(doc, p, null));
  }

  /** Writes {@code doc} now if it has changes not written yet. @return its version on disk once written */
  public Future<String> flush(SharedDocument doc) {
    Pending p = pending.computeIfAbsent(doc.path(), k -> new Pending());
    if (p.writing != null)
      return p.writing.transform(
          ar -> p.dirty ? flush(doc) : Future.succeededFuture(p.lastVersion));
    if (!p.dirty) return Future.succeededFuture(p.lastVersion);
    Promise<String> done = Promise.promise();
    write(doc, p, done);
    return done.future();
  }

  /** Whether {@code version} is one this node wrote for {@code path} lately: a change of ours, not someone else's. */
  public boolean wroteVersion(String path, String version) {
    Pending p = pending.get(path);
    return p != null && version != null && p.written.contains(version);
  }

  /** Drops {@code path}'s pending write: the file was deleted or moved, or the document is forgotten after a flush. */
  public void forget(String path) {
    Pending p = pending.remove(path);
    if (p != null && p.timer >= 0) vertx.cancelTimer(p.timer);
  }

  private void write(SharedDocument doc, Pending p, Promise<String> done) {
    if (p.timer >= 0) vertx.cancelTimer(p.timer);
    p.timer = -1;
    p.dirty = false;
    // A version is remembered before the write lands, so that the watcher's report of it is known
    // as ours.
    String text = doc.text();
    p.written.addLast(WorkspaceFiles.version(text.getBytes(StandardCharsets.UTF_8)));
    while (p.written.size() > WRITTEN_KEPT) p.written.removeFirst();
    p.writing = store.store(doc.path(), text);
    p.writing.onComplete(
        ar -> {
          p.writing = null;
          if (ar.succeeded()) {
            p.lastVersion = ar.result();
          } else {
            p.dirty = true; // tried again with the next change or flush
          }
          if (done != null) {
            if (ar.succeeded()) done.complete(ar.result());
            else done.fail(ar.cause());
          }
          if (p.dirty && pending.get(doc.path()) == p && p.timer < 0)
            p.timer = vertx.setTimer(delayMs, t -> write(doc, p, null));
        });
  }
}
