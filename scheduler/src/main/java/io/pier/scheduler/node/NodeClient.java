package io.pier.scheduler.node;

import io.pier.common.node.NodeInfo;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Route;
import io.vertx.core.Future;
import java.util.List;

/** How the scheduler tells a node-agent what to run. Failures carry the node's own error when it gave one. */
public interface NodeClient {

  /** Starts the repl on the node; completes once it runs there. */
  Future<Route> start(NodeInfo node, StartRequest request);

  /**
   * Stops the repl on the node, which flushes its files to storage first.
   *
   * @return the workspace paths the node could not store (names storage cannot hold), with why; they are lost
   */
  Future<List<Unsaved>> stop(NodeInfo node, String slug);

  /**
   * Has the node store every change of the running repl's files it knows of now (its write-behind queue), so that
   * storage holds what the user saved; a repl not running there has nothing to store.
   */
  Future<Void> storeNow(NodeInfo node, String slug);

  /** A workspace path that a stop could not store, and why. */
  record Unsaved(String path, String reason) {}

  /** Marks the node as draining (it takes no new repls) or takes the mark away. */
  Future<Void> setDraining(NodeInfo node, boolean draining);
}
