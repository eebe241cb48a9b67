package io.pier.edge;

import io.pier.common.repl.Route;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A preview's HTTP request relayed to its repl's app, and the answer back, both bodies streamed with back-pressure:
 * the edge's hot path, on Vert.x's client and server directly. It does what a reverse proxy must and nothing more
 * (no cache, no per-request parsing of dates): the Host kept, hop-by-hop headers (RFC 9110 §7.6.1, and any the
 * Connection header names) dropped both ways, Pier's credentials kept from the app ({@link PreviewGate}), and an app
 * that fails answered as {@link OriginFailures} says. The request and its connection to the app stay on one event loop
 * ({@link EventLoopClients}).
 */
final class PreviewRelay {
  /**
   * The most an answer of unknown length is held for a client speaking HTTP/1.0 (which cannot read a chunked body):
   * past it the connection is reset rather than the edge's memory spent.
   */
  static final int HTTP10_BODY_LIMIT = 8 * 1024 * 1024;

  private final EdgeClients clients;
  private final PreviewGate gate;

  PreviewRelay(EdgeClients clients, PreviewGate gate) {
    this.clients = clients;
    this.gate = gate;
  }

  /** Relays a paused request to the app at {@code route}. */
  void relay(HttpServerRequest req, Route route) {
    RequestOptions request =
        clients
            .originRequest(SocketAddress.inetSocketAddress(route.port(), route.host()))
            .setMethod(req.method())
            .setURI(req.uri());
    clients
        .preview()
        .current()
        .request(request)
        .onComplete(
            connected -> {
              if (connected.failed()) {
                OriginFailures.answerPreview(req, connected.cause());
              } else {
                send(req, connected.result());
              }
            });
  }

  private void send(HttpServerRequest req, HttpClientRequest out) {
    HttpServerResponse res = req.response();
    // The client went away before the answer ended: the app's stream is reset, not left to fill a
    // pooled connection.
    res.closeHandler(v -> out.reset());
    copyHeaders(req.headers(), out.headers());
    out.authority(req.authority());
    gate.removePierCredentials(out.headers());
    out.response()
        .onComplete(
            answered -> {
              if (answered.failed()) {
                if (res.headWritten()) {
                  res.reset();
                } else {
                  OriginFailures.answerPreview(req, answered.cause());
                }
              } else {
                answer(req, answered.result());
              }
            });
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean chunked =
        length == null
            && (req.version() != HttpVersion.HTTP_1_1 && req.version() != HttpVersion.HTTP_1_0
                || req.headers().contains(HttpHeaders.TRANSFER_ENCODING, "chunked", true));
    if (length == null && !chunked) {
      out.end();
      req.resume();
    } else {
      out.setChunked(chunked);
      req.pipeTo(out).onFailure(err -> out.reset(0, err));
    }
  }

  private void answer(HttpServerRequest req, HttpClientResponse in) {
    HttpServerResponse res = req.response();
    res.setStatusCode(in.statusCode());
    if (in.statusMessage() != null) res.setStatusMessage(in.statusMessage());
    copyHeaders(in.headers(), res.headers());
    boolean known = in.headers().contains(HttpHeaders.CONTENT_LENGTH);
    boolean bodiless =
        req.method() == HttpMethod.HEAD
            || in.statusCode() == 204
            || in.statusCode() == 304
            || in.statusCode() < 200;
    if (known || bodiless) {
      pipe(req, in);
    } else if (req.version() != HttpVersion.HTTP_1_0) {
      res.setChunked(true);
      pipe(req, in);
    } else {
      answerWhole(in, res);
    }
  }

  /**
   * The app's answer to the client, what one read brought written as one ({@link BatchedPipe}); when either side
   * fails, both are reset, but an app that failed before any of its answer was written to the client has its failure
   * answered instead ({@link OriginFailures#answerPreviewInsteadOfItsHead}). A client that leaves mid-answer is seen
   * here first: Netty fails the pending writes before it reports the close, and ending the response on that failure
   * (Vert.x's pipe does by default) kept the response's close handler from running and resumed the app's answer to
   * drain it, so an app that kept sending (a stream, an event source) was read at full speed for nobody, and the
   * chunks already on their way hit the ended response ("Response has already been written").
   */
  private static void pipe(HttpServerRequest req, HttpClientResponse in) {
    HttpServerResponse res = req.response();
    BatchedPipe.start(
        in,
        res,
        Vertx.currentContext(),
        err -> {
          in.request().reset();
          if (res.headWritten()) {
            res.reset();
          } else {
            OriginFailures.answerPreviewInsteadOfItsHead(req, err);
          }
        });
  }

  /** An answer of unknown length to an HTTP/1.0 client: read whole (up to a bound), then sent with its length. */
  private static void answerWhole(HttpClientResponse in, HttpServerResponse res) {
    Buffer body = Buffer.buffer();
    in.handler(
        chunk -> {
          if (body.length() + chunk.length() > HTTP10_BODY_LIMIT) {
            in.handler(null);
            in.request().reset();
            res.reset();
          } else {
            body.appendBuffer(chunk);
          }
        });
    in.endHandler(v -> res.end(body));
    in.exceptionHandler(err -> res.reset());
  }

  /** Copies every header but those of one connection: hop-by-hop ones and any the Connection header names. */
  static void copyHeaders(MultiMap from, MultiMap to) {
    Set<String> named = connectionNamed(from);
    for (Map.Entry<String, String> header : from) {
      String name = header.getKey();
      if (!hopByHop(name) && (named == null || !named.contains(name.toLowerCase(Locale.ROOT)))) {
        to.add(name, header.getValue());
      }
    }
  }

  /**
   * Whether a header belongs to one connection (RFC 9110 §7.6.1) or is the Host, which the relay sets itself: asked of
   * every header of every request and answer, so by length first and without making a lower-case copy.
   */
  static boolean hopByHop(String name) {
    return switch (name.length()) {
      case 2 -> name.equalsIgnoreCase("te");
      case 4 -> name.equalsIgnoreCase("host");
      case 7 -> name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("trailer");
      case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
      case 16 -> name.equalsIgnoreCase("proxy-connection");
      case 17 -> name.equalsIgnoreCase("transfer-encoding");
      case 18 -> name.equalsIgnoreCase("proxy-authenticate");
      case 19 -> name.equalsIgnoreCase("proxy-authorization");
      default -> false;
    };
  }

  /** The header names a Connection header lists (besides close and keep-alive); null when there are none. */
  private static Set<String> connectionNamed(MultiMap headers) {
    // Vert.x answers an absent header with an empty list, so the usual request costs no allocation
    // here.
    List<String> values = headers.getAll(HttpHeaders.CONNECTION);
    if (values.isEmpty()) return null;
    if (values.size() == 1) {
      String only = values.get(0);
      if (only.equalsIgnoreCase("keep-alive") || only.equalsIgnoreCase("close")) return null;
    }
    Set<String> named = null;
    for (String value : values) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("close") || name.equals("keep-alive")) continue;
        if (named == null) named = new HashSet<>();
        named.add(name);
      }
    }
    return named;
  }
}
