package io.pier.node.envd.process;

import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * The messages of {@code process.Process}'s streams in proto3's JSON mapping: a {@code ProcessEvent} inside a {@code
 * StartResponse} or {@code ConnectResponse} ({@code {"event":{"start":{"pid":N}}}}, data as base64 bytes, the end with
 * its exit code and status, keep-alives).
 */
final class ProcessEvents {
  /** Which output a data event carries. */
  enum Output {
    STDOUT("stdout"),
    STDERR("stderr"),
    PTY("pty");

    final String field;

    Output(String field) {
      this.field = field;
    }
  }

  private ProcessEvents() {}

  static JsonObject start(int pid) {
    return event("start", new JsonObject().put("pid", pid));
  }

  static JsonObject data(Output output, byte[] bytes) {
    return event(
        "data", new JsonObject().put(output.field, Base64.getEncoder().encodeToString(bytes)));
  }

  static JsonObject keepalive() {
    return event("keepalive", new JsonObject());
  }

  /** How a process ended, as envd (Go's {@code os.ProcessState}) tells it. */
  static JsonObject end(ProcessEnd end) {
    JsonObject json =
        new JsonObject()
            .put("exitCode", end.exitCode())
            .put("exited", end.exited())
            .put("status", end.status());
    if (end.error() != null) json.put("error", end.error());
    return event("end", json);
  }

  private static JsonObject event(String kind, JsonObject body) {
    return new JsonObject().put("event", new JsonObject().put(kind, body));
  }
}
