package io.pier.node.files;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.http.ApiException;
import io.pier.common.store.StorageLayout;
import io.pier.node.limits.BlockingPool;
import io.pier.node.session.LiveRepl;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The programs' file API of a repl running here ({@code /api/repls/<slug>/files/<path>} and
 * {@code /api/repls/<slug>/archive/<folder>}, docs/protocol.md#files-and-archives), behind the gate that admitted the
 * caller as the repl's owner. Short operations (stat, list, mkdir, move, delete) run on the node's file pool; streamed
 * ones (a file or an archive going up or down) on the {@link TransferPool}. Whatever changed is journalled for
 * storage before the answer.
 */
public final class FileRoutes {
  private final Vertx vertx;
  private final BlockingPool pool;
  private final FileApiSettings settings;
  private final TransferPool transfers;
  private final Function<RoutingContext, LiveRepl> live;
  private final Map<String, AtomicInteger> watches = new ConcurrentHashMap<>();
  private final AtomicInteger watching = new AtomicInteger();

  /**
   * @param pool the node's file pool (shared with IDE sessions)
   * @param live the repl an admitted request is for
   */
  public FileRoutes(
      Vertx vertx,
      BlockingPool pool,
      FileApiSettings settings,
      MeterRegistry metrics,
      Function<RoutingContext, LiveRepl> live) {
    this.vertx = vertx;
    this.pool = pool;
    this.settings = settings;
    this.live = live;
    this.transfers = new TransferPool(settings.transfers(), metrics);
    Gauge.builder("pier.repl.api.watches", watching, AtomicInteger::get)
        .description("Change streams of the repls' file API open now")
        .register(metrics);
  }

  /** Adds the routes; mount after the gate of {@code /api/repls/:slug/*}. */
  public void mount(Router router) {
    // The workspace itself (read only), and below it a path that holds slashes (the wildcard takes
    // it whole).
    router.get("/api/repls/:slug/files").handler(this::files);
    String files = "/api/repls/:slug/files/*";
    router.get(files).handler(this::files);
    router.put(files).handler(this::files);
    router.post(files).handler(this::files);
    router.delete(files).handler(this::files);
    for (String archive : List.of("/api/repls/:slug/archive", "/api/repls/:slug/archive/*")) {
      router.get(archive).handler(this::archive);
      router.put(archive).handler(this::archive);
    }
  }

  private void files(RoutingContext ctx) {
    LiveRepl repl = live.apply(ctx);
    HttpServerRequest request = ctx.request();
    // An upload's body flows once the gate resumed it: taken before anything else can fail.
    RequestBodyStream body = request.method().name().equals("PUT") ? body(ctx) : null;
    String path;
    try {
      path = ApiPaths.of(request.path(), repl.slug(), "files");
    } catch (ApiException e) {
      fail(ctx, e, body);
      return;
    }
    WorkspaceTree tree = repl.files().tree();
    FileWrites writes = new FileWrites(tree, StorageLayout.replFiles(repl.slug()));
    switch (request.method().name()) {
      case "GET" -> {
        if ("true".equals(request.getParam("watch"))) watch(ctx, repl, tree, path);
        else if ("true".equals(request.getParam("stat")))
          answer(ctx, path, () -> FileReads.statJson(path, FileReads.stat(tree, path)));
        else read(ctx, tree, path);
      }
      case "PUT" -> upload(ctx, repl, writes, path, body);
      case "POST" -> {
        String op = request.getParam("op");
        boolean parents = "true".equals(request.getParam("parents"));
        if ("mkdir".equals(op)) {
          answer(
              ctx,
              path,
              () -> {
                boolean made = writes.mkdir(path, parents);
                if (made) repl.saved(List.of(path));
                return new JsonObject().put("path", path).put("created", made);
              });
        } else if ("move".equals(op)) {
          String to;
          try {
            to = ApiPaths.ofParameter("to", request.getParam("to"));
          } catch (ApiException e) {
            fail(ctx, e, null);
            return;
          }
          answer(
              ctx,
              path,
              () -> {
                repl.saved(writes.move(path, to));
                return new JsonObject().put("from", path).put("to", to);
              });
        } else {
          fail(ctx, new ApiException(400, "bad_op", "op must be mkdir or move"), null);
        }
      }
      case "DELETE" ->
          answer(
              ctx,
              path,
              () -> {
                writes.delete(path, "true".equals(request.getParam("recursive")));
                repl.saved(List.of(path));
                return new JsonObject().put("path", path).put("deleted", true);
              });
      default ->
          fail(ctx, new ApiException(405, "method_not_allowed", "GET, PUT, POST or DELETE"), body);
    }
  }

  /** A folder's listing, or a regular file's bytes; a link or a special file is refused. */
  private void read(RoutingContext ctx, WorkspaceTree tree, String path) {
    Context context = vertx.getOrCreateContext();
    blocking(() -> FileReads.stat(tree, path))
        .compose(
            (Stat stat) -> {
              if (stat.kind() == Kind.DIR) return blocking(() -> FileReads.list(tree, path));
              if (stat.kind() == Kind.LINK) throw FileApiErrors.linkRefused(path);
              if (stat.kind() != Kind.FILE)
                throw new ApiException(
                    403, "not_a_file", FileReads.shown(path) + " is a FIFO, socket or device");
              ResponseBodyStream out = responseStream(ctx, context);
              return transfers.run(
                  context,
                  () -> {
                    FileReads.download(
                        tree,
                        path,
                        ctx.request().getHeader("Range"),
                        "true".equals(ctx.request().getParam("download")),
                        out);
                    return (JsonObject) null;
                  });
            })
        .onSuccess(
            listing -> {
              if (listing != null) ctx.json(listing);
            })
        .onFailure(e -> fail(ctx, FileApiErrors.of(e, path), null));
  }

  private void upload(
      RoutingContext ctx, LiveRepl repl, FileWrites writes, String path, RequestBodyStream body) {
    String length = ctx.request().getHeader("Content-Length");
    if (length != null && parseLong(length) > settings.maxFileBytes()) {
      fail(
          ctx,
          new ApiException(
              413, "too_large", "a file may have at most " + settings.maxFileBytes() + " bytes"),
          body);
      return;
    }
    boolean parents = "true".equals(ctx.request().getParam("parents"));
    if ("100-continue".equalsIgnoreCase(ctx.request().getHeader("Expect")))
      ctx.response().writeContinue();
    transfers
        .run(
            ctx.vertx().getOrCreateContext(),
            () -> {
              FileWrites.Upload done = writes.upload(path, parents, body, settings.maxFileBytes());
              repl.saved(List.of(path));
              return done;
            })
        .onSuccess(
            done ->
                ctx.response()
                    .setStatusCode(done.created() ? 201 : 200)
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("path", path)
                            .put("bytes", done.bytes())
                            .put("created", done.created())
                            .encode()))
        .onFailure(e -> fail(ctx, FileApiErrors.of(e, path), body));
  }

  private void watch(RoutingContext ctx, LiveRepl repl, WorkspaceTree tree, String folder) {
    AtomicInteger open = watches.computeIfAbsent(repl.slug(), s -> new AtomicInteger());
    if (open.incrementAndGet() > settings.watchesPerRepl()) {
      release(repl.slug(), open);
      fail(
          ctx,
          new ApiException(
              429,
              "too_many_watches",
              "a repl has at most " + settings.watchesPerRepl() + " change streams open"),
          null);
      return;
    }
    watching.incrementAndGet();
    Context context = vertx.getOrCreateContext();
    blocking(() -> FileReads.list(tree, folder))
        .onSuccess(
            isAFolder ->
                new WatchStream(
                        vertx,
                        context,
                        ctx.response(),
                        repl,
                        folder,
                        settings.watchQueue(),
                        () -> {
                          watching.decrementAndGet();
                          release(repl.slug(), open);
                        })
                    .start())
        .onFailure(
            e -> {
              watching.decrementAndGet();
              release(repl.slug(), open);
              fail(ctx, FileApiErrors.of(e, folder), null);
            });
  }

  private void release(String slug, AtomicInteger open) {
    if (open.decrementAndGet() <= 0) watches.remove(slug, open);
  }

  private void archive(RoutingContext ctx) {
    LiveRepl repl = live.apply(ctx);
    HttpServerRequest request = ctx.request();
    RequestBodyStream body = request.method().name().equals("PUT") ? body(ctx) : null;
    String folder;
    ArchiveFormat format;
    try {
      folder = ApiPaths.of(request.path(), repl.slug(), "archive");
      format = ArchiveFormat.of(request.getParam("format"), request.getHeader("Content-Type"));
    } catch (ApiException e) {
      fail(ctx, e, body);
      return;
    }
    WorkspaceTree tree = repl.files().tree();
    Context context = vertx.getOrCreateContext();
    switch (request.method().name()) {
      case "GET" -> {
        ResponseBodyStream out = responseStream(ctx, context);
        ArchiveDownload download = new ArchiveDownload(tree, settings);
        String name =
            folder.isEmpty() ? repl.slug() : folder.substring(folder.lastIndexOf('/') + 1);
        transfers
            .run(
                context,
                () -> {
                  download.count(folder);
                  out.begin(
                      response ->
                          response
                              .setChunked(true)
                              .putHeader("Content-Type", format.contentType)
                              .putHeader(
                                  "Content-Disposition",
                                  Attachment.disposition(name + "." + format.extension, "")));
                  download.write(folder, format, out);
                  out.finish();
                  return null;
                })
            .onFailure(
                e -> {
                  fail(ctx, FileApiErrors.of(e, folder), null);
                });
      }
      case "PUT" -> {
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect")))
          ctx.response().writeContinue();
        FileWrites writes = new FileWrites(tree, StorageLayout.replFiles(repl.slug()));
        ArchiveExtraction extraction = new ArchiveExtraction(tree, writes, settings);
        transfers
            .run(
                context,
                () -> {
                  List<String> changed = new ArrayList<>();
                  try {
                    return extraction.extract(folder, format, body, changed);
                  } finally {
                    if (!changed.isEmpty()) repl.saved(changed);
                  }
                })
            .onSuccess(
                done ->
                    ctx.json(
                        new JsonObject()
                            .put("path", folder)
                            .put("files", done.files())
                            .put("folders", done.folders())
                            .put("bytes", done.bytes())))
            .onFailure(e -> fail(ctx, FileApiErrors.of(e, folder), body));
      }
      default -> fail(ctx, new ApiException(405, "method_not_allowed", "GET or PUT"), body);
    }
  }

  private RequestBodyStream body(RoutingContext ctx) {
    return new RequestBodyStream(
        ctx.request(), vertx.getOrCreateContext(), settings.idleTimeout(), transfers::countIn);
  }

  private ResponseBodyStream responseStream(RoutingContext ctx, Context context) {
    return new ResponseBodyStream(
        ctx.response(), context, settings.idleTimeout(), transfers::countOut);
  }

  /** Short file work on the node's file pool, its result back on this context. */
  private <T> Future<T> blocking(Callable<T> work) {
    return Future.fromCompletionStage(pool.submit(work), vertx.getOrCreateContext());
  }

  private void answer(RoutingContext ctx, String path, Callable<JsonObject> work) {
    blocking(work).onSuccess(ctx::json).onFailure(e -> fail(ctx, FileApiErrors.of(e, path), null));
  }

  /**
   * Answers an error as JSON (naming the archive entry when one was refused); a response already under way is reset
   * instead. What is left of an upload's body is read and dropped.
   */
  private void fail(RoutingContext ctx, ApiException e, RequestBodyStream body) {
    HttpServerResponse response = ctx.response();
    if (body != null) body.discardRest(vertx);
    if (response.ended() || response.closed()) return;
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.headers().clear();
    JsonObject json = new JsonObject().put("error", e.code()).put("message", e.getMessage());
    if (e instanceof BadEntry bad) json.put("entry", bad.entry());
    response
        .setStatusCode(e.status())
        .putHeader("Content-Type", "application/json")
        .setChunked(false)
        .end(json.encode());
  }

  private static long parseLong(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The threads streamed transfers run on, shared with the in-sandbox API's {@code /files}. */
  public TransferPool transfers() {
    return transfers;
  }

  /** Transfers running now. */
  public int openTransfers() {
    return transfers.open();
  }
}
