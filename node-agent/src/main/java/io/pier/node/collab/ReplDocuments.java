package io.pier.node.collab;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.pier.node.session.FileChange;
import io.pier.node.session.SessionException;
import io.pier.node.session.WorkspaceFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The co-edited documents of one repl, by path (docs/protocol.md#co-editing): a document is read from the workspace
 * when a session first opens it, takes the pushes of every session that has it open, sends each accepted update to
 * all of them, is written back by its {@link DocumentDisk}, and is forgotten {@link CollabLimits#lingerMs()} after the
 * last session closed it. A change made to the file outside the editors reaches them as an update; a deleted or moved
 * file ends its document with {@code doc.gone}. On the repl's context.
 */
public final class ReplDocuments {
  /** Reads a file's text through the workspace's checks (no links, no special files, not too large). */
  public interface Reader {
    Future<String> read(String path);
  }

  /** The client id of updates the node makes itself: changes found on disk. */
  static final String DISK_CLIENT = "pier-disk";

  private static final Logger LOG = LoggerFactory.getLogger(ReplDocuments.class);

  private final Vertx vertx;
  private final Reader reader;
  private final DocumentDisk disk;
  private final CollabLimits limits;

  /** Concurrent only so that the node's gauges may count it from elsewhere; changed on the repl's context. */
  private final Map<String, Open> open = new ConcurrentHashMap<>();

  private static final class Open {
    final SharedDocument doc;
    final Set<CollabPeer> peers = new LinkedHashSet<>();
    long linger = -1;

    Open(SharedDocument doc) {
      this.doc = doc;
    }
  }

  public ReplDocuments(Vertx vertx, Reader reader, DocumentDisk disk, CollabLimits limits) {
    this.vertx = vertx;
    this.reader = reader;
    this.disk = disk;
    this.limits = limits;
  }

  /**
   * Opens {@code path} for {@code peer}. With {@code since} and {@code id} (a client that reconnects at the version it
   * had of the document it knew), the reply carries the updates it missed, if they are still kept; otherwise the whole
   * text.
   */
  public Future<JsonObject> open(CollabPeer peer, String path, Integer since, String id) {
    Open known = open.get(path);
    if (known != null) return Future.succeededFuture(join(known, peer, since, id));
    if (open.size() >= limits.maxDocuments())
      throw new SessionException(
          "too_many_documents",
          "this repl has " + limits.maxDocuments() + " files open for co-editing, its limit");
    return reader
        .read(path)
        .map(
            text -> {
              if (text.indexOf('\r') >= 0)
                throw new SessionException(
                    "not_coeditable",
                    path + " has CR line ends; it is edited by one writer at a time");
              // Another session may have opened it while the file was read: the first text wins.
              Open o =
                  open.computeIfAbsent(
                      path,
                      p ->
                          new Open(
                              new SharedDocument(p, text, limits.maxHistory(), limits.maxBytes())));
              return join(o, peer, since, id);
            });
  }

  private JsonObject join(Open o, CollabPeer peer, Integer since, String id) {
    if (o.linger >= 0) vertx.cancelTimer(o.linger);
    o.linger = -1;
    o.peers.add(peer);
    JsonObject reply =
        new JsonObject()
            .put("path", o.doc.path())
            .put("doc", o.doc.id())
            .put("version", o.doc.version());
    Optional<List<SharedDocument.Update>> missed =
        since == null || !o.doc.id().equals(id) ? Optional.empty() : o.doc.since(since);
    if (missed.isPresent()) return reply.put("updates", SharedDocument.toJson(missed.get()));
    return reply.put("text", o.doc.text());
  }

  /** Takes {@code peer}'s updates made on {@code base}; accepted ones go to every session that has the file open. */
  public JsonObject push(
      CollabPeer peer, String path, int base, List<SharedDocument.Update> updates) {
    Open o = open.get(path);
    if (o == null || !o.peers.contains(peer))
      throw new SessionException("not_open", path + " is not open for co-editing in this session");
    SharedDocument.Pushed pushed = o.doc.push(base, updates);
    if (pushed.accepted()) {
      sendUpdate(o, pushed.updates());
      disk.changed(o.doc);
    }
    return new JsonObject().put("accepted", pushed.accepted()).put("version", pushed.version());
  }

  /** Writes {@code path} now. @return its version on disk */
  public Future<JsonObject> flush(String path) {
    Open o = open.get(path);
    if (o == null) throw new SessionException("not_open", path + " is not open for co-editing");
    return disk.flush(o.doc)
        .map(v -> v == null ? new JsonObject() : new JsonObject().put("version", v));
  }

  /** {@code peer} closed {@code path}; the document lingers a while for the next one. */
  public void close(CollabPeer peer, String path) {
    Open o = open.get(path);
    if (o == null || !o.peers.remove(peer) || !o.peers.isEmpty()) return;
    o.linger =
        vertx.setTimer(
            limits.lingerMs(),
            t -> {
              if (open.get(path) != o || !o.peers.isEmpty()) return;
              disk.flush(o.doc)
                  .onComplete(
                      ar -> {
                        if (open.get(path) == o && o.peers.isEmpty()) {
                          open.remove(path);
                          disk.forget(path);
                        }
                      });
            });
  }

  /** A session left: it closes everything it had open. */
  public void left(CollabPeer peer) {
    for (Map.Entry<String, Open> e : List.copyOf(open.entrySet())) {
      if (e.getValue().peers.contains(peer)) close(peer, e.getKey());
    }
  }

  /** Whether {@code path} is open for co-editing now. */
  public boolean isOpen(String path) {
    return open.containsKey(path);
  }

  /** How many documents are open for co-editing now (lingering ones too). Safe from any thread. */
  public int openCount() {
    return open.size();
  }

  /** The updates the open documents keep for clients that fall behind, all together. Safe from any thread. */
  public long updatesKept() {
    long kept = 0;
    for (Open o : open.values()) kept += o.doc.updatesKept();
    return kept;
  }

  /**
   * Changes seen in the workspace (or made by a file operation): a deleted or moved document ends, a file changed by
   * anything but this node's own writes is read again and its difference sent as an update.
   */
  public void filesChanged(List<FileChange> changes) {
    for (FileChange c : changes) {
      if (c.kind().equals("deleted")) {
        for (String path : List.copyOf(open.keySet())) {
          if (path.equals(c.path()) || path.startsWith(c.path() + "/")) gone(path);
        }
      } else if (c.type().equals("file") && open.containsKey(c.path())) {
        if (!disk.wroteVersion(c.path(), c.version())) reread(c.path());
      }
    }
  }

  private void reread(String path) {
    reader
        .read(path)
        .onComplete(
            ar -> {
              Open o = open.get(path);
              if (o == null) return;
              if (ar.failed()) {
                LOG.debug("could not read {} again: {}", path, ar.cause().toString());
                return;
              }
              String text = ar.result();
              if (disk.wroteVersion(path, WorkspaceFiles.version(text.getBytes(UTF_8)))) return;
              if (text.indexOf('\r') >= 0) {
                gone(path);
                return;
              }
              o.doc.replace(text, DISK_CLIENT).ifPresent(u -> sendUpdate(o, List.of(u)));
            });
  }

  private void gone(String path) {
    Open o = open.remove(path);
    if (o == null) return;
    if (o.linger >= 0) vertx.cancelTimer(o.linger);
    disk.forget(path);
    CollabEvent event =
        new CollabEvent(new JsonObject().put("event", "doc.gone").put("path", path));
    for (CollabPeer p : List.copyOf(o.peers)) p.send(event);
  }

  private void sendUpdate(Open o, List<SharedDocument.Update> updates) {
    CollabEvent event =
        new CollabEvent(
            new JsonObject()
                .put("event", "doc.update")
                .put("path", o.doc.path())
                .put("version", o.doc.version())
                .put("updates", SharedDocument.toJson(updates)));
    for (CollabPeer p : List.copyOf(o.peers)) p.send(event);
  }

  /** Writes every document with changes (the repl stops). */
  public Future<Void> flushAll() {
    List<Future<String>> writes = new ArrayList<>();
    for (Open o : open.values()) writes.add(disk.flush(o.doc));
    return Future.join(writes).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }
}
