package io.pier.node.envd.process;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.exec.ExecLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code process.Process}'s request messages (proto3 JSON: lowerCamel or proto names, numbers as numbers or
 * strings, enums by name or number, bytes as base64 of either alphabet) and checks them against the exec bounds: a
 * message that does not fit is {@code invalid_argument} naming the field.
 */
final class ProcessRequests {
  /** What {@code Start} asks for. {@code pty} is null for a process without a terminal. */
  record StartSpec(
      String cmd,
      List<String> args,
      Map<String, String> envs,
      String cwd,
      String tag,
      boolean stdin,
      PtySize pty) {
    /** The command line: {@code cmd} then {@code args}. */
    List<String> argv() {
      List<String> argv = new ArrayList<>(args.size() + 1);
      argv.add(cmd);
      argv.addAll(args);
      return argv;
    }
  }

  record PtySize(int cols, int rows) {}

  /** A {@code ProcessSelector}: by pid, or (pid 0) by tag. */
  record Selector(int pid, String tag) {
    @Override
    public String toString() {
      return tag == null ? "pid " + pid : "tag '" + tag + "'";
    }
  }

  /** A {@code ProcessInput}: to stdin, or to the terminal. */
  record Input(boolean pty, byte[] data) {}

  private static final int MAX_TAG = 256;
  private static final int MAX_PTY_SIDE = 1000;

  private final ExecLimits limits;

  ProcessRequests(ExecLimits limits) {
    this.limits = limits;
  }

  StartSpec start(JsonObject request) {
    JsonObject process = object(request, "process");
    if (process == null) throw invalid("process is required");
    String cmd = string(process, "cmd");
    if (cmd == null || cmd.isEmpty()) throw invalid("process.cmd is required");
    List<String> args = new ArrayList<>();
    JsonArray rawArgs = array(process, "args");
    if (rawArgs != null) {
      for (Object a : rawArgs) {
        if (!(a instanceof String s)) throw invalid("process.args must be strings");
        args.add(s);
      }
    }
    if (args.size() + 1 > limits.maxArgs()) {
      throw invalid("process.args has more than " + limits.maxArgs() + " arguments");
    }
    long commandBytes = utf8(cmd);
    for (String a : args) commandBytes += utf8(a);
    if (commandBytes > limits.maxCommandBytes()) {
      throw invalid("the command is longer than " + limits.maxCommandBytes() + " bytes");
    }
    for (String part : args) noNul(part, "process.args");
    noNul(cmd, "process.cmd");
    Map<String, String> envs = envs(object(process, "envs"));
    String cwd = string(process, "cwd");
    if (cwd != null) {
      noNul(cwd, "process.cwd");
      if (cwd.isEmpty()) cwd = null;
    }
    String tag = string(request, "tag");
    if (tag != null && tag.length() > MAX_TAG) throw invalid("tag is longer than " + MAX_TAG);
    Object stdin = request.getValue("stdin");
    if (stdin != null && !(stdin instanceof Boolean)) throw invalid("stdin must be a boolean");
    return new StartSpec(
        cmd,
        List.copyOf(args),
        envs,
        cwd,
        tag,
        Boolean.TRUE.equals(stdin),
        pty(object(request, "pty")));
  }

  /** The {@code PTY} of a Start or Update; null when absent. */
  PtySize pty(JsonObject pty) {
    if (pty == null) return null;
    JsonObject size = object(pty, "size");
    int cols = size == null ? 80 : number(size, "cols", 80);
    int rows = size == null ? 24 : number(size, "rows", 24);
    if (cols < 1 || rows < 1 || cols > MAX_PTY_SIDE || rows > MAX_PTY_SIDE) {
      throw invalid("pty.size must be 1 to " + MAX_PTY_SIDE + " columns and rows");
    }
    return new PtySize(cols, rows);
  }

  Selector selector(JsonObject request) {
    JsonObject process = object(request, "process");
    if (process == null) throw invalid("process (a pid or a tag) is required");
    String tag = string(process, "tag");
    if (tag != null) return new Selector(0, tag);
    int pid = number(process, "pid", 0);
    if (pid <= 0) throw invalid("process must name a pid or a tag");
    return new Selector(pid, null);
  }

  Input input(JsonObject request) {
    JsonObject input = object(request, "input");
    if (input == null) throw invalid("input is required");
    if (input.containsKey("pty")) return new Input(true, bytes(input, "pty"));
    if (input.containsKey("stdin")) return new Input(false, bytes(input, "stdin"));
    throw invalid("input must carry stdin or pty bytes");
  }

  /** {@code KILL} or {@code TERM}. */
  String signal(JsonObject request) {
    Object value = request.getValue("signal");
    String text = value == null ? "" : String.valueOf(value);
    return switch (text) {
      case "SIGNAL_SIGKILL", "9" -> "KILL";
      case "SIGNAL_SIGTERM", "15" -> "TERM";
      default -> throw invalid("signal must be SIGNAL_SIGKILL or SIGNAL_SIGTERM");
    };
  }

  private Map<String, String> envs(JsonObject raw) {
    Map<String, String> envs = new LinkedHashMap<>();
    if (raw == null) return envs;
    if (raw.size() > limits.maxEnv()) {
      throw invalid("process.envs has more than " + limits.maxEnv() + " variables");
    }
    long bytes = 0;
    for (Map.Entry<String, Object> e : raw) {
      if (!(e.getValue() instanceof String value))
        throw invalid("process.envs values must be strings");
      String name = e.getKey();
      if (name.isEmpty() || name.contains("=") || name.indexOf('\0') >= 0) {
        throw invalid("process.envs has a name that is no variable name");
      }
      noNul(value, "process.envs");
      bytes += utf8(name) + utf8(value);
      envs.put(name, value);
    }
    if (bytes > limits.maxEnvBytes()) {
      throw invalid("process.envs is larger than " + limits.maxEnvBytes() + " bytes");
    }
    return envs;
  }

  private static byte[] bytes(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) return new byte[0];
    if (!(value instanceof String text)) throw invalid(field + " must be base64 bytes");
    try {
      return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw invalid(field + " must be base64 bytes");
    }
  }

  private static JsonObject object(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) return null;
    if (value instanceof JsonObject o) return o;
    throw invalid(field + " must be an object");
  }

  private static JsonArray array(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) return null;
    if (value instanceof JsonArray a) return a;
    throw invalid(field + " must be a list");
  }

  private static String string(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) return null;
    if (value instanceof String s) return s;
    throw invalid(field + " must be a string");
  }

  private static int number(JsonObject json, String field, int absent) {
    Object value = json.getValue(field);
    if (value == null) return absent;
    try {
      long n =
          value instanceof Number num ? num.longValue() : Long.parseLong(String.valueOf(value));
      if (n < 0 || n > Integer.MAX_VALUE) throw invalid(field + " is out of range");
      return (int) n;
    } catch (NumberFormatException e) {
      throw invalid(field + " must be a number");
    }
  }

  private static void noNul(String text, String field) {
    if (text.indexOf('\0') >= 0) throw invalid(field + " must not contain NUL");
  }

  private static long utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static ConnectException invalid(String message) {
    return new ConnectException(ConnectCode.INVALID_ARGUMENT, message);
  }
}
