package io.pier.node.envd.connect;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * One Connect service of the in-sandbox API ({@code process.Process}, {@code filesystem.Filesystem}) in its JSON form:
 * its methods by name, unary ones answering one message, server-streaming ones writing to a {@link MessageSink}.
 * Messages are the proto3 JSON mapping of {@code spec/envd/**.proto} (lowerCamel field names, 64-bit integers as
 * strings, enums by name, bytes as base64). The router that serves them over HTTP owns the framing, the access check
 * and the error mapping; a service only sees messages.
 */
public interface ConnectService {
  /** The full service name as in the path: {@code /<name>/<Method>}. */
  String name();

  Map<String, Unary> unary();

  Map<String, ServerStreaming> serverStreaming();

  @FunctionalInterface
  interface Unary {
    /** The answer, or a future failed with a {@link ConnectException}. */
    Future<JsonObject> call(EnvdCall call, JsonObject request);
  }

  @FunctionalInterface
  interface ServerStreaming {
    /** Writes the stream's messages to {@code out} and ends it; a failure before the first message may throw. */
    void call(EnvdCall call, JsonObject request, MessageSink out);
  }
}
