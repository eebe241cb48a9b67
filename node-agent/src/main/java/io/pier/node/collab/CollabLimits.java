package io.pier.node.collab;

import io.pier.node.session.WorkspaceFiles;

/**
 * The bounds of co-editing in one repl (docs/protocol.md#co-editing).
 *
 * @param maxDocuments how many files may be open for co-editing at once
 * @param maxHistory   how many updates of a document are kept for clients that reconnect behind
 * @param maxBytes     the largest co-edited text, in UTF-8 bytes: larger files are saved by one writer at a time
 * @param lingerMs     how long a document nobody has open stays, for a tab that reconnects or opens it again
 * @param writeDelayMs how long after a change the document is written to the workspace
 */
public record CollabLimits(
    int maxDocuments, int maxHistory, int maxBytes, long lingerMs, long writeDelayMs) {
  public static final CollabLimits DEFAULT =
      new CollabLimits(64, 1000, WorkspaceFiles.MAX_FILE_BYTES, 30_000, 300);
}
