package io.pier.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A command to run in a repl: {@code ExecRequest.of(List.of("npm", "test")).cwd("app").timeout(...)}. */
public final class ExecRequest {
  private final List<String> cmd;
  private final Map<String, String> env = new LinkedHashMap<>();
  private String cwd;
  private Duration timeout;
  private String stdin;
  private boolean background;

  private ExecRequest(List<String> cmd) {
    if (cmd.isEmpty()) throw new IllegalArgumentException("a command needs at least its program");
    this.cmd = List.copyOf(cmd);
  }

  public static ExecRequest of(List<String> cmd) {
    return new ExecRequest(cmd);
  }

  public static ExecRequest of(String... cmd) {
    return new ExecRequest(List.of(cmd));
  }

  /** Folder to run in, relative to the workspace. */
  public ExecRequest cwd(String cwd) {
    this.cwd = cwd;
    return this;
  }

  public ExecRequest env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Killed after this long; the result says {@code timedOut}. */
  public ExecRequest timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** Text given to the command's standard input, then closed. */
  public ExecRequest stdin(String stdin) {
    this.stdin = stdin;
    return this;
  }

  /** Starts it and answers at once; its output is read later through {@link Processes}. */
  public ExecRequest background() {
    this.background = true;
    return this;
  }

  public List<String> cmd() {
    return cmd;
  }

  ObjectNode toJson(ObjectNode body) {
    ArrayNode args = body.putArray("cmd");
    cmd.forEach(args::add);
    if (cwd != null) body.put("cwd", cwd);
    if (!env.isEmpty()) {
      ObjectNode vars = body.putObject("env");
      env.forEach(vars::put);
    }
    if (timeout != null) body.put("timeoutS", timeout.toSeconds());
    if (stdin != null) body.put("stdin", stdin);
    if (background) body.put("background", true);
    return body;
  }
}
