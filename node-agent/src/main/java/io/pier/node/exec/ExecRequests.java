package io.pier.node.exec;

import io.pier.common.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads an exec request's JSON body within {@link ExecLimits}: anything else is a 400 naming the field. */
final class ExecRequests {
  /** Where a relative {@code cwd} starts, and the default one. */
  static final String WORKSPACE = "/workspace";

  /** Variables the exec itself uses to hand the stdin over: a request may not set them. */
  static final String RESERVED_PREFIX = "PIER_EXEC_";

  private static final Set<String> FIELDS =
      Set.of("cmd", "cwd", "env", "timeoutS", "stdin", "background");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,255}");
  private static final int MAX_CWD = 4096;

  private final ExecLimits limits;

  ExecRequests(ExecLimits limits) {
    this.limits = limits;
  }

  /** @throws ApiException 400 naming the field that is wrong */
  ExecRequest parse(Buffer body) {
    JsonObject json;
    try {
      json = body == null || body.length() == 0 ? null : body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw invalid("the body must be a JSON object");
    }
    if (json == null) throw invalid("the body must be a JSON object with a \"cmd\"");
    return parse(json);
  }

  /** @throws ApiException 400 naming the field that is wrong */
  ExecRequest parse(JsonObject json) {
    for (String field : json.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw invalid(
            "unknown field '" + field + "'; accepted: " + FIELDS.stream().sorted().toList());
      }
    }
    boolean background = flag(json.getValue("background"));
    Duration timeout =
        timeout(
            json.getValue("timeoutS"),
            background ? limits.backgroundTimeout() : limits.defaultTimeout());
    return new ExecRequest(
        command(json.getValue("cmd")),
        cwd(json.getValue("cwd")),
        env(json.getValue("env")),
        timeout,
        stdin(json.getValue("stdin")),
        background);
  }

  private List<String> command(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw invalid("\"cmd\" must be a non-empty array of strings: the program and its arguments");
    }
    if (array.size() > limits.maxArgs()) {
      throw invalid("\"cmd\" has " + array.size() + " arguments; at most " + limits.maxArgs());
    }
    List<String> cmd = new ArrayList<>(array.size());
    long bytes = 0;
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String arg) || arg.indexOf('\0') >= 0) {
        throw invalid("\"cmd\"[" + i + "] must be a string without NUL characters");
      }
      bytes += arg.getBytes(StandardCharsets.UTF_8).length + 1;
      cmd.add(arg);
    }
    if (cmd.get(0).isEmpty()) throw invalid("\"cmd\"[0] must name a program");
    if (bytes > limits.maxCommandBytes()) {
      throw invalid(
          "\"cmd\" takes " + bytes + " bytes; at most " + limits.maxCommandBytes() + " in all");
    }
    return List.copyOf(cmd);
  }

  /** Relative to the workspace, or absolute inside the sandbox: the sandbox resolves it, never the node. */
  private static String cwd(Object value) {
    if (value == null) return WORKSPACE;
    if (!(value instanceof String text)
        || text.isEmpty()
        || text.length() > MAX_CWD
        || text.indexOf('\0') >= 0) {
      throw invalid(
          "\"cwd\" must be a non-empty path of at most " + MAX_CWD + " characters, without NUL");
    }
    return text.startsWith("/") ? text : WORKSPACE + "/" + text;
  }

  private Map<String, String> env(Object value) {
    if (value == null) return Map.of();
    if (!(value instanceof JsonObject object)) {
      throw invalid("\"env\" must be an object of names to string values");
    }
    if (object.size() > limits.maxEnv()) {
      throw invalid("\"env\" has " + object.size() + " variables; at most " + limits.maxEnv());
    }
    Map<String, String> env = new LinkedHashMap<>();
    long bytes = 0;
    for (String name : object.fieldNames()) {
      if (!ENV_NAME.matcher(name).matches() || name.startsWith(RESERVED_PREFIX)) {
        throw invalid(
            "\"env\" name '"
                + name
                + "' must be letters, digits and _ not starting with a digit, nor with "
                + RESERVED_PREFIX);
      }
      if (!(object.getValue(name) instanceof String text) || text.indexOf('\0') >= 0) {
        throw invalid("\"env\"." + name + " must be a string without NUL characters");
      }
      bytes += name.length() + text.getBytes(StandardCharsets.UTF_8).length + 2;
      env.put(name, text);
    }
    if (bytes > limits.maxEnvBytes()) {
      throw invalid("\"env\" takes " + bytes + " bytes; at most " + limits.maxEnvBytes());
    }
    return env;
  }

  private Duration timeout(Object value, Duration fallback) {
    if (value == null) return fallback;
    long max = limits.maxTimeout().toSeconds();
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < 1
        || ((Number) value).longValue() > max) {
      throw invalid("\"timeoutS\" must be a whole number of seconds from 1 to " + max);
    }
    return Duration.ofSeconds(((Number) value).longValue());
  }

  private byte[] stdin(Object value) {
    if (value == null) return null;
    if (!(value instanceof String text)) throw invalid("\"stdin\" must be a string");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > limits.maxStdinBytes()) {
      throw invalid("\"stdin\" has " + bytes.length + " bytes; at most " + limits.maxStdinBytes());
    }
    return bytes;
  }

  private static boolean flag(Object value) {
    if (value == null) return false;
    if (value instanceof Boolean b) return b;
    throw invalid("\"background\" must be true or false");
  }

  private static ApiException invalid(String message) {
    return ApiException.badRequest("invalid_request", message);
  }
}
