package io.pier.node.session;

import static io.pier.node.session.RequestFields.bad;
import static io.pier.node.session.RequestFields.text;

import io.pier.node.collab.CollabPeer;
import io.pier.node.collab.ReplDocuments;
import io.pier.node.collab.ReplPresence;
import io.pier.node.collab.SharedDocument;
import io.pier.node.workspace.WorkspaceTree;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One session's co-editing and presence requests ({@code doc.*}, {@code presence}; docs/protocol.md#co-editing),
 * handed to its repl's {@link ReplDocuments} and {@link ReplPresence}. Every path is checked as the {@code fs.*}
 * operations check theirs before anything is read.
 */
final class DocumentRequests {
  /** The most updates one push carries. */
  static final int MAX_UPDATES_PER_PUSH = 200;

  private final ReplDocuments documents;
  private final ReplPresence presence;
  private final CollabPeer peer;

  DocumentRequests(ReplDocuments documents, ReplPresence presence, CollabPeer peer) {
    this.documents = documents;
    this.presence = presence;
    this.peer = peer;
  }

  Future<JsonObject> open(JsonObject r) {
    String path = path(r);
    Object since = r.getValue("version");
    if (since != null && !(since instanceof Number)) throw bad("\"version\" must be a number");
    return documents.open(
        peer,
        path,
        since == null ? null : ((Number) since).intValue(),
        RequestFields.optionalText(r, "doc"));
  }

  Future<JsonObject> push(JsonObject r) {
    String path = path(r);
    if (!(r.getValue("version") instanceof Number base)) throw bad("\"version\" must be a number");
    if (!(r.getValue("updates") instanceof JsonArray array)
        || array.isEmpty()
        || array.size() > MAX_UPDATES_PER_PUSH)
      throw bad("\"updates\" must be 1.." + MAX_UPDATES_PER_PUSH + " updates");
    List<SharedDocument.Update> updates = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof JsonObject u)
          || !(u.getValue("clientID") instanceof String client)
          || client.isEmpty()
          || client.length() > 64
          || !(u.getValue("changes") instanceof JsonArray changes))
        throw bad("each update needs a \"clientID\" (1..64 characters) and \"changes\"");
      updates.add(new SharedDocument.Update(client, changes));
    }
    return Future.succeededFuture(documents.push(peer, path, base.intValue(), updates));
  }

  Future<JsonObject> flush(JsonObject r) {
    return documents.flush(path(r));
  }

  Future<JsonObject> close(JsonObject r) {
    documents.close(peer, path(r));
    return Future.succeededFuture(new JsonObject());
  }

  Future<JsonObject> presence(JsonObject r) {
    String path = RequestFields.optionalText(r, "path");
    if (path != null) check(path);
    Object selection = r.getValue("selection");
    JsonObject clean = ReplPresence.selection(selection);
    if (selection != null && clean == null)
      throw bad("\"selection\" must be {version, ranges: [{anchor, head}]} with at most 16 ranges");
    presence.show(peer, path, clean);
    return Future.succeededFuture(new JsonObject());
  }

  /** A document's path, refused at once when it is no workspace file name (links are refused when it is read). */
  private static String path(JsonObject r) {
    String path = text(r, "path");
    if (path.isEmpty()) throw new SessionException("bad_path", "the workspace is not a file");
    check(path);
    return path;
  }

  private static void check(String path) {
    TreeRefusals.guarded(
        path,
        () -> {
          WorkspaceTree.check(path);
          return null;
        });
  }
}
