package io.pier.node.session;

import static io.pier.node.session.RequestFields.bad;
import static io.pier.node.session.RequestFields.changes;
import static io.pier.node.session.RequestFields.optionalText;
import static io.pier.node.session.RequestFields.text;

import io.pier.node.limits.BlockingPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * One session's file operations (the {@code fs.*} requests) on its repl's {@link WorkspaceFiles}: run on the node's
 * file pool, journalled for storage before they are answered, and announced to every session of the repl.
 */
final class FileOperations {
  private final LiveRepl repl;
  private final WorkspaceFiles files;

  /** The node's file pool: file work never runs on Vert.x's threads. */
  private final BlockingPool pool;

  /** The session asking, named as the origin of the changes it makes. */
  private final SessionSocket origin;

  FileOperations(LiveRepl repl, BlockingPool pool, SessionSocket origin) {
    this.repl = repl;
    this.files = repl.files();
    this.pool = pool;
    this.origin = origin;
  }

  Future<JsonObject> list(JsonObject r) {
    return blocking(
        () -> {
          WorkspaceFiles.Listing listing = files.list(text(r, "path"));
          return new JsonObject()
              .put(
                  "entries",
                  new JsonArray(
                      listing.entries().stream()
                          .map(
                              e ->
                                  new JsonObject()
                                      .put("name", e.name())
                                      .put("path", e.path())
                                      .put("type", e.type())
                                      .put("size", e.size()))
                          .toList()))
              .put("truncated", listing.truncated());
        });
  }

  Future<JsonObject> read(JsonObject r) {
    return blocking(
        () -> {
          String path = text(r, "path");
          WorkspaceFiles.Text t = files.read(path);
          return new JsonObject()
              .put("path", path)
              .put("content", t.content())
              .put("version", t.version())
              .put("size", t.size());
        });
  }

  Future<JsonObject> write(JsonObject r) {
    String path = text(r, "path");
    String content = text(r, "content");
    String base = optionalText(r, "baseVersion");
    return blocking(
            () -> {
              boolean existed = files.exists(path);
              String version = saving(List.of(path), files.write(path, content, base));
              return new FileChange(path, "file", existed ? "modified" : "created", version);
            })
        .map(this::changed);
  }

  Future<JsonObject> edit(JsonObject r) {
    String path = text(r, "path");
    String base = text(r, "baseVersion");
    List<WorkspaceFiles.Change> changes = changes(r);
    return blocking(() -> saving(List.of(path), files.edit(path, base, changes)))
        .map(version -> changed(new FileChange(path, "file", "modified", version)));
  }

  Future<JsonObject> create(JsonObject r) {
    String path = text(r, "path");
    String type = text(r, "type");
    if (!type.equals("file") && !type.equals("dir")) throw bad("type must be \"file\" or \"dir\"");
    String content = optionalText(r, "content");
    return blocking(() -> saving(List.of(path), files.create(path, type.equals("dir"), content)))
        .map(version -> changed(new FileChange(path, type, "created", version)));
  }

  Future<JsonObject> rename(JsonObject r) {
    String from = text(r, "from");
    String to = text(r, "to");
    return blocking(
            () -> {
              boolean directory = files.isDirectory(from);
              files.rename(from, to);
              repl.saved(List.of(from, to));
              String type = directory ? "dir" : "file";
              return List.of(
                  new FileChange(from, type, "deleted", null),
                  new FileChange(to, type, "created", directory ? null : files.versionOf(to)));
            })
        .map(
            list -> {
              repl.announce(list, origin);
              return new JsonObject();
            });
  }

  Future<JsonObject> delete(JsonObject r) {
    String path = text(r, "path");
    return blocking(
            () -> {
              boolean directory = files.isDirectory(path);
              files.delete(path);
              repl.saved(List.of(path));
              return directory ? "dir" : "file";
            })
        .map(type -> changed(new FileChange(path, type, "deleted", null)));
  }

  Future<JsonObject> search(JsonObject r) {
    SearchQuery query = SearchQuery.of(r);
    return blocking(
        () -> {
          WorkspaceSearch.Found found = new WorkspaceSearch(files.tree()).search(query);
          return new JsonObject()
              .put(
                  "hits",
                  new JsonArray(
                      found.hits().stream()
                          .map(
                              h ->
                                  new JsonObject()
                                      .put("path", h.path())
                                      .put("line", h.line())
                                      .put("column", h.column())
                                      .put("length", h.length())
                                      .put("preview", h.preview())
                                      .put("previewColumn", h.previewColumn()))
                          .toList()))
              .put("truncated", found.truncated());
        });
  }

  Future<JsonObject> names(JsonObject r) {
    return blocking(
        () -> {
          WorkspaceSearch.Names names = new WorkspaceSearch(files.tree()).names();
          return new JsonObject()
              .put("paths", new JsonArray(names.paths()))
              .put("truncated", names.truncated());
        });
  }

  /** Journals the change for storage before the session is told it is saved. */
  private <T> T saving(List<String> paths, T result) {
    repl.saved(paths);
    return result;
  }

  private JsonObject changed(FileChange change) {
    repl.announce(List.of(change), origin);
    JsonObject reply = new JsonObject();
    if (change.version() != null) reply.put("version", change.version());
    return reply;
  }

  /** File work: on the node's file pool, never on Vert.x's threads; answered {@code busy} or {@code timeout}. */
  private <T> Future<T> blocking(Callable<T> work) {
    return Future.fromCompletionStage(pool.submit(work), repl.context());
  }
}
