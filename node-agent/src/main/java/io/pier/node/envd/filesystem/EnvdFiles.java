package io.pier.node.envd.filesystem;

import io.pier.common.http.ApiException;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.filesystem.EnvdPaths.EnvdPath;
import io.pier.node.files.FileApiErrors;
import io.pier.node.files.FileApiSettings;
import io.pier.node.files.FileReads;
import io.pier.node.files.RequestBodyStream;
import io.pier.node.files.ResponseBodyStream;
import io.pier.node.files.TransferPool;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * envd's plain HTTP {@code /files} on a Pier repl's workspace, mounted after the in-sandbox API's access check (at
 * {@code /envd/:slug/files}): {@code GET ?path=} streams a regular file (binary, {@code Range} honoured), and
 * {@code POST ?path=} writes files from a {@code multipart/form-data} body (one or more parts named {@code file}) or an
 * {@code application/octet-stream} body (gzip-encoded or not), answering the list of what it wrote as envd does.
 * Nothing is held whole: both directions run on the programs' API's transfer threads ({@link TransferPool}: bounded,
 * {@code 503} when all are busy) through its streams, which pause the client past 4 MiB waiting and end a transfer
 * whose client is silent for the idle timeout. Paths as in {@link EnvdPaths}; {@code username} is accepted and every
 * file belongs to the repl's user. Errors are envd's JSON, {@code {"code": status, "message": text}}.
 */
public final class EnvdFiles implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final TransferPool transfers;
  private final FileApiSettings settings;
  private final Function<RoutingContext, LiveRepl> live;

  /**
   * @param transfers the programs' API's transfer threads ({@code FileRoutes.transfers()})
   * @param live      the repl an admitted request is for
   */
  public EnvdFiles(
      Vertx vertx,
      TransferPool transfers,
      FileApiSettings settings,
      Function<RoutingContext, LiveRepl> live) {
    this.vertx = vertx;
    this.transfers = transfers;
    this.settings = settings;
    this.live = live;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    switch (request.method().name()) {
      case "GET" -> download(ctx);
      case "POST" -> upload(ctx);
      default -> fail(ctx, 405, "/files answers GET and POST", null);
    }
  }

  private void download(RoutingContext ctx) {
    LiveRepl repl = live.apply(ctx);
    EnvdPath path;
    try {
      path = EnvdPaths.resolve(ctx.request().getParam("path"));
    } catch (ConnectException e) {
      fail(ctx, e.code().httpStatus(), e.getMessage(), null);
      return;
    }
    Context context = vertx.getOrCreateContext();
    ResponseBodyStream out =
        new ResponseBodyStream(
            ctx.response(), context, settings.idleTimeout(), transfers::countOut);
    String range = ctx.request().getHeader("Range");
    // After the stream's own handlers are on the response (queued by its constructor): a transfer
    // that fails at once
    // answers an error that must find them there, not be ended before they are set.
    context.runOnContext(
        v ->
            transfers
                .run(
                    context,
                    () -> {
                      FileReads.download(repl.files().tree(), path.relative(), range, false, out);
                      return null;
                    })
                .onFailure(e -> failed(ctx, e, path.relative(), null)));
  }

  private void upload(RoutingContext ctx) {
    LiveRepl repl = live.apply(ctx);
    HttpServerRequest request = ctx.request();
    Context context = vertx.getOrCreateContext();
    // The body flows once the access check resumed the request: taken before anything else can
    // fail.
    RequestBodyStream body =
        new RequestBodyStream(request, context, settings.idleTimeout(), transfers::countIn);
    String pathParameter = request.getParam("path");
    String contentType = request.getHeader("Content-Type");
    Map<String, String> type = HeaderParameters.of(contentType == null ? "" : contentType);
    String mediaType = type.get(HeaderParameters.TYPE);
    String encoding = request.getHeader("Content-Encoding");
    boolean gzip = encoding != null && encoding.strip().equalsIgnoreCase("gzip");
    if (encoding != null && !gzip && !encoding.strip().equalsIgnoreCase("identity")) {
      fail(ctx, 400, "unsupported content encoding: " + encoding + " (gzip or none)", body);
      return;
    }
    boolean multipart = mediaType.startsWith("multipart/");
    if (!multipart && !mediaType.equals("application/octet-stream")) {
      fail(
          ctx,
          400,
          "unsupported content type: "
              + mediaType
              + ", expected multipart/form-data or application/octet-stream",
          body);
      return;
    }
    String boundary = type.get("boundary");
    if (multipart
        && (boundary == null
            || boundary.isEmpty()
            || boundary.length() > MultipartStream.MAX_BOUNDARY)) {
      fail(ctx, 400, "a multipart body needs a boundary of 1 to 70 characters", body);
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect")))
      ctx.response().writeContinue();
    FileUploads uploads = new FileUploads(repl, settings.maxFileBytes());
    transfers
        .run(
            context,
            () -> {
              InputStream content = gzip ? new GZIPInputStream(body, 64 * 1024) : body;
              return multipart
                  ? uploads.multipart(content, boundary, pathParameter)
                  : uploads.raw(content, pathParameter);
            })
        .onSuccess(
            (JsonArray written) ->
                ctx.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", "application/json")
                    .end(written.encode()))
        .onFailure(e -> failed(ctx, e, uploads.current(), body));
  }

  private void failed(RoutingContext ctx, Throwable e, String relative, RequestBodyStream body) {
    if (e instanceof ConnectException connect) {
      fail(ctx, connect.code().httpStatus(), connect.getMessage(), body);
      return;
    }
    ApiException api = FileApiErrors.of(e, relative);
    // envd answers a folder where a file should be with 400.
    int status = api.status() == 409 ? 400 : api.status();
    fail(ctx, status, api.getMessage(), body);
  }

  /**
   * Answers envd's error JSON; a response already under way is reset instead, so a client never takes a cut file for
   * a whole one. What is left of an upload's body is read and dropped.
   */
  private void fail(RoutingContext ctx, int status, String message, RequestBodyStream body) {
    HttpServerResponse response = ctx.response();
    if (body != null) body.discardRest(vertx);
    if (response.ended() || response.closed()) return;
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.headers().clear();
    response
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .setChunked(false)
        .end(new JsonObject().put("code", status).put("message", message).encode());
  }
}
