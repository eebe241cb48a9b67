package io.pier.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pier.client.CreateRepl;
import io.pier.client.Env;
import io.pier.client.ExecListener;
import io.pier.client.ExecRequest;
import io.pier.client.ExecResult;
import io.pier.client.Keys;
import io.pier.client.PierClient;
import io.pier.client.Repl;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The commands that talk to Pier, each a few lines over the client library. */
final class Commands {
  static final Set<String> NONE = Set.of();

  private final Supplier<PierClient> client;
  private final InputStream stdin;
  private final PrintStream out;
  private final PrintStream err;

  Commands(Supplier<PierClient> client, InputStream stdin, PrintStream out, PrintStream err) {
    this.client = client;
    this.stdin = stdin;
    this.out = out;
    this.err = err;
  }

  int run(String command, List<String> args) throws IOException {
    switch (command) {
      case "whoami" -> {
        Arguments.parse(args, NONE, NONE).atMost(0);
        out.println(pier().whoAmI());
      }
      case "templates" -> {
        Arguments.parse(args, NONE, NONE).atMost(0);
        pier().templates().forEach(out::println);
      }
      case "create" -> create(args);
      case "ls" -> list(args);
      case "start" -> out.println(pier().repls().start(slug(args)).state());
      case "stop" -> out.println(pier().repls().stop(slug(args)).state());
      case "rm" -> {
        String slug = slug(args);
        pier().repls().delete(slug);
        out.println("deleted " + slug);
      }
      case "fork" -> fork(args);
      case "open" -> {
        Repl repl = pier().repls().get(slug(args));
        out.println(repl.ideUrl());
      }
      case "exec" -> {
        return exec(args);
      }
      case "cp" -> new Copy(client, out).run(args);
      case "logs" -> logs(args);
      case "env" -> env(args);
      case "key" -> key(args);
      case "share", "unshare", "collaborators", "leave", "fork-link" ->
          new Sharing(client, out).run(command, args);
      default -> throw new UsageError("unknown command " + command);
    }
    return 0;
  }

  private void create(List<String> args) {
    Arguments a =
        Arguments.parse(
                args, Set.of("--label", "--timeout"), Set.of("--delete-on-timeout", "--private"))
            .atMost(1);
    CreateRepl what = CreateRepl.of(a.required(0, "template (see pierctl templates)"));
    for (String label : a.all("--label")) {
      int equals = label.indexOf('=');
      if (equals <= 0) throw new UsageError("a label is NAME=VALUE, not " + label);
      what.label(label.substring(0, equals), label.substring(equals + 1));
    }
    if (a.option("--timeout") != null) what.timeout(Durations.parse(a.option("--timeout")));
    if (a.flag("--delete-on-timeout")) {
      if (a.option("--timeout") == null)
        throw new UsageError("--delete-on-timeout needs --timeout");
      what.deleteOnTimeout();
    }
    if (a.flag("--private")) what.privatePreview();
    out.println(pier().repls().create(what).slug());
  }

  private void fork(List<String> args) {
    Arguments a = Arguments.parse(args, Set.of("--title"), NONE).atMost(1);
    out.println(pier().repls().fork(a.required(0, "repl slug"), a.option("--title")).slug());
  }

  private void list(List<String> args) {
    Arguments a =
        Arguments.parse(args, Set.of("--label"), Set.of("-q", "--quiet", "--shared")).atMost(0);
    boolean shared = a.flag("--shared");
    String[] selectors = a.all("--label").toArray(String[]::new);
    List<Repl> repls = shared ? pier().repls().shared(selectors) : pier().repls().list(selectors);
    if (a.flag("-q") || a.flag("--quiet")) {
      repls.forEach(r -> out.println(r.slug()));
      return;
    }
    if (shared) {
      out.printf("%-28s %-14s %-9s %-16s %s%n", "SLUG", "TEMPLATE", "STATE", "OWNER", "ROLE");
      for (Repl r : repls)
        out.printf(
            "%-28s %-14s %-9s %-16s %s%n", r.slug(), r.template(), r.state(), r.owner(), r.role());
      return;
    }
    out.printf("%-28s %-14s %-9s %s%n", "SLUG", "TEMPLATE", "STATE", "LABELS");
    for (Repl r : repls) {
      StringBuilder labels = new StringBuilder();
      r.labels()
          .forEach(
              (k, v) ->
                  labels.append(labels.length() == 0 ? "" : ",").append(k).append('=').append(v));
      out.printf("%-28s %-14s %-9s %s%n", r.slug(), r.template(), r.state(), labels);
    }
  }

  private int exec(List<String> args) {
    Arguments a =
        Arguments.parse(args, Set.of("--cwd", "--env", "--timeout"), Set.of("--background"));
    String slug = a.required(0, "repl slug");
    if (a.rest().isEmpty())
      throw new UsageError("exec needs the command after --: pierctl exec SLUG -- CMD ARGS...");
    a.atMost(1);
    ExecRequest request = ExecRequest.of(a.rest());
    if (a.option("--cwd") != null) request.cwd(a.option("--cwd"));
    if (a.option("--timeout") != null) request.timeout(Durations.parse(a.option("--timeout")));
    for (String pair : a.all("--env")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) throw new UsageError("--env takes NAME=VALUE, not " + pair);
      request.env(pair.substring(0, equals), pair.substring(equals + 1));
    }
    Repl repl = pier().repls().get(slug);
    if (a.flag("--background")) {
      request.background();
      repl.exec(request);
      out.println("started in the background; see pierctl logs " + slug);
      return 0;
    }
    ExecResult result =
        repl.exec(
            request,
            new ExecListener() {
              @Override
              public void stdout(byte[] data) {
                out.write(data, 0, data.length);
                out.flush();
              }

              @Override
              public void stderr(byte[] data) {
                err.write(data, 0, data.length);
                err.flush();
              }

              @Override
              public void dropped(long bytes) {
                err.println("[pierctl: " + bytes + " bytes of output were dropped]");
              }
            });
    if (result.timedOut()) err.println("pierctl: the command ran past its timeout and was killed");
    return result.exitCode();
  }

  /**
   * The output of processes started with {@code exec --background}. The run command's own output is only streamed to
   * the IDE over its session (docs/protocol.md): there is no HTTP route for it, and this says so rather than guess.
   */
  private void logs(List<String> args) throws IOException {
    Arguments a = Arguments.parse(args, NONE, NONE).atMost(2);
    Repl repl = pier().repls().get(a.required(0, "repl slug"));
    String id = a.optional(1);
    if (id != null) {
      try (InputStream output = repl.processes().output(id)) {
        output.transferTo(out);
      }
      return;
    }
    List<JsonNode> processes = repl.processes().list();
    if (processes.isEmpty())
      out.println(
          "no background processes (start one with pierctl exec --background); the run output is shown in the IDE only");
    for (JsonNode p : processes) {
      StringBuilder cmd = new StringBuilder();
      p.path("cmd").forEach(c -> cmd.append(cmd.length() == 0 ? "" : " ").append(c.asText()));
      String state =
          p.path("state").asText() + (p.has("exitCode") ? " " + p.path("exitCode").asInt() : "");
      out.printf("%-12s %-10s %s%n", p.path("id").asText(), state, cmd);
    }
  }

  private void env(List<String> args) throws IOException {
    Arguments a = Arguments.parse(args, NONE, Set.of("--plain")).atMost(4);
    String action = a.required(0, "env action (ls, set or rm)");
    Env env = pier().repls().get(a.required(1, "repl slug")).env();
    switch (action) {
      case "ls" -> {
        a.atMost(2);
        for (Env.Variable v : env.list())
          out.println(v.name() + "=" + (v.secret() ? "(secret)" : v.value()));
      }
      case "set" -> {
        String name = a.required(2, "variable name");
        String value = a.optional(3);
        if (value == null) value = new String(stdin.readAllBytes(), StandardCharsets.UTF_8).strip();
        Env.Variable set = env.set(name, value, !a.flag("--plain"));
        out.println("set " + set.name() + (set.secret() ? " (secret)" : ""));
      }
      case "rm" -> {
        a.atMost(3);
        String name = a.required(2, "variable name");
        env.delete(name);
        out.println("removed " + name);
      }
      default -> throw new UsageError("env takes ls, set or rm, not " + action);
    }
  }

  private void key(List<String> args) {
    Arguments a = Arguments.parse(args, NONE, NONE).atMost(2);
    String action = a.required(0, "key action (create, ls or rm)");
    Keys keys = pier().keys();
    switch (action) {
      case "create" -> {
        Keys.ApiKey key = keys.create(a.required(1, "key name"));
        out.println(key.key());
        err.println(
            "pierctl: this is the only time the key is shown; keep it secret (id "
                + key.id()
                + ")");
      }
      case "ls" -> keys.list().forEach(k -> out.printf("%-24s %s%n", k.id(), k.name()));
      case "rm" -> {
        String id = a.required(1, "key id");
        keys.revoke(id);
        out.println("revoked " + id);
      }
      default -> throw new UsageError("key takes create, ls or rm, not " + action);
    }
  }

  private static String slug(List<String> args) {
    return Arguments.parse(args, NONE, NONE).atMost(1).required(0, "repl slug");
  }

  /** The client, made when a command first needs it: usage errors are found before the login is read. */
  private PierClient pier() {
    return client.get();
  }
}
