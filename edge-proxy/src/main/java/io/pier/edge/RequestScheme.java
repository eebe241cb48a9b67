package io.pier.edge;

import io.vertx.core.http.HttpServerRequest;

/** The scheme a client used to reach the edge. */
final class RequestScheme {
  private RequestScheme() {}

  static String of(HttpServerRequest req) {
    return req.isSSL() ? "https" : "http";
  }
}
