package io.pier.node.envd.filesystem;

import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.store.StorageLayout;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.ConnectService;
import io.pier.node.envd.connect.EnvdCall;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.files.FileWrites;
import io.pier.node.limits.BlockingPool;
import io.pier.node.session.LiveRepl;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * E2B's {@code filesystem.Filesystem} on a Pier repl's workspace (see {@link EnvdPaths} for where its paths land).
 * Every access goes through the workspace's {@link WorkspaceTree} and the programs' API's {@link FileWrites}: no link
 * is followed, no FIFO opened, names storage cannot hold are refused, and what changed is journalled for storage
 * before the answer. The work runs on the node's file pool (bounded, with a deadline). Where Pier differs from envd:
 * a link is reported and moved or removed as the link it is, never followed (a listing never enters one);
 * {@code Move} does not replace an existing destination ({@code already_exists}); watches see what the workspace
 * watcher sees (ignored folders such as {@code node_modules} are not watched, a rename is a removal and a creation).
 */
public final class FilesystemService implements ConnectService {
  public static final String NAME = "filesystem.Filesystem";

  /** Folder watches open at once on one repl. */
  static final int WATCHES_PER_REPL = 8;

  /** Events that wait for one watch's client. */
  static final int WATCH_QUEUE = 1000;

  /** A polling watcher not polled for this long is removed. */
  static final Duration POLL_EXPIRY = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final BlockingPool pool;
  private final FilesystemWatches watches;

  /** @param pool the node's file pool (shared with IDE sessions and the programs' API) */
  public FilesystemService(Vertx vertx, BlockingPool pool, MeterRegistry metrics) {
    this(vertx, pool, metrics, POLL_EXPIRY);
  }

  FilesystemService(Vertx vertx, BlockingPool pool, MeterRegistry metrics, Duration pollExpiry) {
    this.vertx = vertx;
    this.pool = pool;
    this.watches =
        new FilesystemWatches(
            vertx, metrics, WATCHES_PER_REPL, WATCH_QUEUE, pollExpiry, System::nanoTime);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Unary> unary() {
    return Map.of(
        "Stat", guarded(this::stat),
        "MakeDir", guarded(this::makeDir),
        "Move", guarded(this::move),
        "ListDir", guarded(this::listDir),
        "Remove", guarded(this::remove),
        "CreateWatcher", guarded(this::createWatcher),
        "GetWatcherEvents", guarded(this::getWatcherEvents),
        "RemoveWatcher", guarded(this::removeWatcher));
  }

  /** A refusal before any work (a bad path, a bad field) as a failed call, never a thrown one. */
  private static Unary guarded(Unary method) {
    return (call, request) -> {
      try {
        return method.call(call, request);
      } catch (ConnectException e) {
        return Future.failedFuture(e);
      }
    };
  }

  @Override
  public Map<String, ServerStreaming> serverStreaming() {
    return Map.of(
        "WatchDir",
        (call, request, out) -> {
          try {
            watchDir(call, request, out);
          } catch (ConnectException e) {
            out.fail(e);
          }
        });
  }

  private Future<JsonObject> stat(EnvdCall call, JsonObject request) {
    EnvdPath path = EnvdPaths.resolve(text(request, "path"));
    return work(path, () -> new JsonObject().put("entry", entry(tree(call), path)));
  }

  /** Makes the folder and those leading to it; {@code already_exists} when it is there (the SDK answers false). */
  private Future<JsonObject> makeDir(EnvdCall call, JsonObject request) {
    EnvdPath path = EnvdPaths.resolve(text(request, "path"));
    return work(
        path,
        () -> {
          WorkspaceTree tree = tree(call);
          Optional<Stat> existing = tree.stat(path.relative());
          if (existing.isPresent()) {
            if (existing.get().kind() == Kind.DIR)
              throw new ConnectException(
                  ConnectCode.ALREADY_EXISTS, "directory already exists: " + shown(path));
            throw new ConnectException(
                ConnectCode.INVALID_ARGUMENT,
                "path already exists but it is not a directory: " + shown(path));
          }
          if (writes(call).mkdir(path.relative(), true))
            call.repl().saved(List.of(path.relative()));
          return new JsonObject().put("entry", entry(tree, path));
        });
  }

  private Future<JsonObject> move(EnvdCall call, JsonObject request) {
    EnvdPath from = EnvdPaths.resolve(text(request, "source"));
    EnvdPath to = EnvdPaths.resolve(text(request, "destination"));
    return work(
        from,
        () -> {
          try {
            call.repl().saved(writes(call).move(from.relative(), to.relative()));
          } catch (RuntimeException e) {
            if (e instanceof WorkspaceAccessException w && w.reason() == Reason.EXISTS)
              throw new ConnectException(
                  ConnectCode.ALREADY_EXISTS,
                  shown(to) + " exists already; Pier does not replace it on a move");
            throw FilesystemErrors.of(e, from.relative(), from.shown());
          }
          return new JsonObject().put("entry", entry(tree(call), to));
        });
  }

  private Future<JsonObject> listDir(EnvdCall call, JsonObject request) {
    EnvdPath path = EnvdPaths.resolve(text(request, "path"));
    long depth = number(request, "depth");
    return work(
        path,
        () ->
            new JsonObject()
                .put(
                    "entries",
                    new JsonArray(List.copyOf(DirListing.list(tree(call), path, depth)))));
  }

  /** Removes an entry and everything in it, a link as the link; nothing there is no error (envd's RemoveAll). */
  private Future<JsonObject> remove(EnvdCall call, JsonObject request) {
    EnvdPath path = EnvdPaths.resolve(text(request, "path"));
    if (path.relative().isEmpty())
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT, "the workspace itself cannot be removed: " + shown(path));
    return work(
        path,
        () -> {
          if (tree(call).stat(path.relative()).isEmpty()) return new JsonObject();
          writes(call).delete(path.relative(), true);
          call.repl().saved(List.of(path.relative()));
          return new JsonObject();
        });
  }

  private void watchDir(EnvdCall call, JsonObject request, MessageSink out) {
    EnvdPath folder = EnvdPaths.resolve(text(request, "path"));
    boolean recursive = flag(request, "recursive");
    Context context = vertx.getOrCreateContext();
    requireFolder(call, folder)
        .onComplete(
            checked ->
                context.runOnContext(
                    v -> {
                      try {
                        if (checked.failed())
                          throw FilesystemErrors.of(
                              checked.cause(), folder.relative(), folder.shown());
                        watches.stream(call.repl(), folder, recursive, call.keepalive(), out);
                      } catch (ConnectException e) {
                        out.fail(e);
                      }
                    }));
  }

  private Future<JsonObject> createWatcher(EnvdCall call, JsonObject request) {
    EnvdPath folder = EnvdPaths.resolve(text(request, "path"));
    boolean recursive = flag(request, "recursive");
    Context context = vertx.getOrCreateContext();
    return requireFolder(call, folder)
        .compose(
            v -> {
              Promise<JsonObject> made = Promise.promise();
              context.runOnContext(
                  x -> {
                    try {
                      watches
                          .create(call.repl(), folder, recursive)
                          .map(id -> new JsonObject().put("watcherId", id))
                          .onComplete(made);
                    } catch (ConnectException e) {
                      made.fail(e);
                    }
                  });
              return made.future();
            });
  }

  private Future<JsonObject> getWatcherEvents(EnvdCall call, JsonObject request) {
    List<JsonObject> events = watches.events(call.repl(), watcherId(request));
    return Future.succeededFuture(new JsonObject().put("events", new JsonArray(events)));
  }

  private Future<JsonObject> removeWatcher(EnvdCall call, JsonObject request) {
    watches.remove(call.repl(), watcherId(request));
    return Future.succeededFuture(new JsonObject());
  }

  /** Checks, on the file pool, that {@code folder} is a folder itself (not a link to one). */
  private Future<Void> requireFolder(EnvdCall call, EnvdPath folder) {
    return work(
            folder,
            () -> {
              Stat stat =
                  tree(call)
                      .stat(folder.relative())
                      .orElseThrow(
                          () ->
                              new ConnectException(
                                  ConnectCode.NOT_FOUND, "no such folder: " + shown(folder)));
              if (stat.kind() == Kind.LINK)
                throw new ConnectException(
                    ConnectCode.PERMISSION_DENIED,
                    shown(folder) + " is a symbolic link, which Pier never follows");
              if (stat.kind() != Kind.DIR)
                throw new ConnectException(
                    ConnectCode.INVALID_ARGUMENT, "not a directory: " + shown(folder));
              return new JsonObject();
            })
        .mapEmpty();
  }

  private static JsonObject entry(WorkspaceTree tree, EnvdPath path) {
    Stat stat =
        tree.stat(path.relative())
            .orElseThrow(
                () ->
                    new ConnectException(
                        ConnectCode.NOT_FOUND, "no such file or directory: " + shown(path)));
    return EntryInfos.of(path, stat);
  }

  private static WorkspaceTree tree(EnvdCall call) {
    return call.repl().files().tree();
  }

  private static FileWrites writes(EnvdCall call) {
    LiveRepl repl = call.repl();
    return new FileWrites(repl.files().tree(), StorageLayout.replFiles(repl.slug()));
  }

  /** Work on the file pool; its failure as the Connect error it means, its result back on this context. */
  private Future<JsonObject> work(EnvdPath path, Callable<JsonObject> work) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(pool.submit(work), context)
        .recover(e -> Future.failedFuture(FilesystemErrors.of(e, path.relative(), path.shown())));
  }

  private static String watcherId(JsonObject request) {
    Object id = request.getValue("watcherId", request.getValue("watcher_id"));
    return id instanceof String text ? text : null;
  }

  /** A proto3 JSON string field; null when absent. */
  private static String text(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (value == null || value instanceof String) return (String) value;
    throw new ConnectException(ConnectCode.INVALID_ARGUMENT, field + " must be a string");
  }

  /** A proto3 JSON bool field; false when absent. */
  private static boolean flag(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (value == null || value instanceof Boolean) return Boolean.TRUE.equals(value);
    throw new ConnectException(ConnectCode.INVALID_ARGUMENT, field + " must be true or false");
  }

  /** A proto3 JSON number field, given as a number or a string; 0 when absent. */
  private static long number(JsonObject request, String field) {
    Object value = request.getValue(field);
    try {
      if (value instanceof Number n) return n.longValue();
      if (value instanceof String text) return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      // refused below
    }
    if (value == null) return 0;
    throw new ConnectException(ConnectCode.INVALID_ARGUMENT, field + " must be a number");
  }

  private static String shown(EnvdPath path) {
    return PathReports.printable(path.shown());
  }

  /** Folder watches open now. */
  public int openWatches() {
    return watches.open();
  }

  /** Stops the sweep of idle polling watchers. */
  public void close() {
    watches.close();
  }
}
