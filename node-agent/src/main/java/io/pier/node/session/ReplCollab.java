package io.pier.node.session;

import io.pier.node.collab.CollabLimits;
import io.pier.node.collab.CollabPeer;
import io.pier.node.collab.DocumentDisk;
import io.pier.node.collab.ReplDocuments;
import io.pier.node.collab.ReplPresence;
import io.pier.node.limits.BlockingPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;

/**
 * The co-editing side of a running repl (docs/protocol.md#co-editing): its shared documents and its presence (who is
 * in the repl and what each has open). {@link LiveRepl} tells it of sessions joining and leaving, of the workspace's
 * changes and of the repl stopping. On the repl's context.
 */
final class ReplCollab {
  private final Vertx vertx;
  private final LiveRepl repl;
  private final ReplPresence presence;

  /**
   * Made with the first session, which brings the node's file pool. Written on the repl's context; volatile because
   * the node's gauges read it from elsewhere.
   */
  private volatile ReplDocuments documents;

  ReplCollab(Vertx vertx, LiveRepl repl) {
    this.vertx = vertx;
    this.repl = repl;
    this.presence = new ReplPresence(vertx);
  }

  /** {@code peer}'s {@code doc.*} and {@code presence} requests, its files read and written through {@code pool}. */
  DocumentRequests requests(CollabPeer peer, BlockingPool pool) {
    return new DocumentRequests(documents(pool), presence, peer);
  }

  private ReplDocuments documents(BlockingPool pool) {
    if (documents == null) {
      DocumentFiles disk = new DocumentFiles(repl, pool);
      documents =
          new ReplDocuments(
              vertx,
              disk,
              new DocumentDisk(vertx, disk, CollabLimits.DEFAULT.writeDelayMs()),
              CollabLimits.DEFAULT);
    }
    return documents;
  }

  /** The documents open for co-editing, once a session has asked for them. */
  Optional<ReplDocuments> documents() {
    return Optional.ofNullable(documents);
  }

  /** A session joined, after its hello and the run's replay (the protocol puts those first). */
  void joined(CollabPeer peer) {
    presence.join(peer);
  }

  /** A session left: it is gone from presence and closes every document it had open. */
  void left(CollabPeer peer) {
    presence.leave(peer);
    if (documents != null) documents.left(peer);
  }

  /** Files changed in the workspace: open documents follow. */
  void filesChanged(List<FileChange> changes) {
    if (documents != null) documents.filesChanged(changes);
  }

  /** Writes every document with changes (the repl stops). */
  Future<Void> flushAll() {
    return documents == null ? Future.succeededFuture() : documents.flushAll();
  }
}
