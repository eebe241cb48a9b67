package io.pier.node.session;

import io.pier.node.sandbox.SandboxExec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A repl's terminals, by channel: each a shell in its container that outlives the sessions attached to it, and is
 * ended once nobody has been attached for the linger time. On the repl's context.
 */
final class ReplTerminals {
  private static final Logger LOG = LoggerFactory.getLogger(ReplTerminals.class);

  /** How often terminals are checked for having lingered detached too long. */
  private static final long REAP_EVERY_MS = 5000;

  private final Vertx vertx;
  private final String slug;
  private final String containerId;
  private final SandboxExec runtime;

  /** Where the runtime's calls (exec, resize, kill) run: they block. */
  private final WorkerExecutor runtimeWork;

  private final OutputRegulator output;
  private final ReplEnvironment environment;
  private final Duration linger;
  private final Map<Integer, Terminal> terminals = new LinkedHashMap<>();

  /** Kept in step with the map, for the metrics. */
  private final AtomicInteger count = new AtomicInteger();

  /** Terminals opened so far: each one's serial. */
  private long opened;

  private final long reaper;

  /**
   * @param context     the repl's context, where the reaper runs
   * @param runtimeWork the repl's pool for calls into the container runtime
   * @param linger      how long a terminal nobody is attached to lives on
   */
  ReplTerminals(
      Vertx vertx,
      Context context,
      String slug,
      String containerId,
      SandboxExec runtime,
      WorkerExecutor runtimeWork,
      OutputRegulator output,
      ReplEnvironment environment,
      Duration linger) {
    this.vertx = vertx;
    this.slug = slug;
    this.containerId = containerId;
    this.runtime = runtime;
    this.runtimeWork = runtimeWork;
    this.output = output;
    this.environment = environment;
    this.linger = linger;
    this.reaper = vertx.setPeriodic(REAP_EVERY_MS, t -> context.runOnContext(v -> reapDetached()));
  }

  /** How many terminals are open now. Any thread. */
  int count() {
    return count.get();
  }

  /** The terminals whose shell still runs, as the hello event lists them. */
  JsonArray running() {
    JsonArray terms = new JsonArray();
    terminals.values().stream()
        .filter(t -> !t.exited)
        .forEach(t -> terms.add(new JsonObject().put("term", t.channel)));
    return terms;
  }

  /** {@code session} left: it is no longer attached anywhere. */
  void detach(SessionSocket session) {
    for (Terminal t : terminals.values()) {
      if (t.attached.remove(session)) {
        if (t.attached.isEmpty()) t.detachedSince = System.nanoTime();
        output.regulate(t.flow, t.attached);
      }
    }
  }

  /** {@code session}'s write queue has room again: the terminals it shows may flow. */
  void drained(SessionSocket session) {
    for (Terminal t : terminals.values()) {
      if (t.attached.contains(session)) output.regulate(t.flow, t.attached);
    }
  }

  Future<Integer> open(SessionSocket session, int maxTerminals, int cols, int rows) {
    if (terminals.values().stream().filter(t -> !t.exited).count() >= maxTerminals) {
      return Future.failedFuture(
          new SessionException("too_many_terminals", "at most " + maxTerminals + " terminals"));
    }
    int free = 1;
    while (terminals.containsKey(free)) free++;
    int channel = free;
    if (channel > 255)
      return Future.failedFuture(new SessionException("too_many_terminals", "no free channel"));
    Terminal terminal = new Terminal(channel, ++opened);
    terminal.sized(cols, rows);
    terminals.put(channel, terminal);
    count.set(terminals.size());
    terminal.attached.add(session);
    List<String> shell =
        List.of(
            "/bin/sh",
            "-c",
            RunScript.writingItsPid(LiveRepl.PID_DIR, terminal.pidFile(), "bash -l"));
    return runtimeWork
        .executeBlocking(
            () ->
                runtime.execTty(
                    containerId,
                    shell,
                    environment.with(Map.of("TERM", "xterm-256color")),
                    cols,
                    rows,
                    output.listener(
                        terminal.flow,
                        data -> output(terminal, data),
                        code -> exited(terminal, code))),
            false)
        .map(
            process -> {
              terminal.process = process;
              return channel;
            })
        .onFailure(
            err -> {
              terminals.remove(channel);
              count.set(terminals.size());
              output.release(terminal.flow);
            });
  }

  /** Attaches {@code session} and replays the held output to it. @return the sizes that output was drawn at */
  Future<JsonArray> attach(SessionSocket session, int channel) {
    Terminal t = terminal(channel);
    t.attached.add(session);
    t.detachedSince = -1;
    JsonArray sizes = t.sizes.since(t.output.oldestHeld());
    byte[] replay = t.output.snapshot();
    if (replay.length > 0) session.sendBinary(channel, replay);
    output.regulate(t.flow, t.attached);
    if (t.exited)
      session.sendEvent(
          new JsonObject().put("event", "term.exit").put("term", channel).put("code", -1));
    return Future.succeededFuture(sizes);
  }

  /** Types {@code data} into a terminal. @return how many bytes were dropped because it does not read its input */
  int input(int channel, byte[] data) {
    Terminal t = terminals.get(channel);
    if (t != null && t.process != null && !t.exited && !t.process.write(data)) return data.length;
    return 0;
  }

  Future<Void> resize(int channel, int cols, int rows) {
    Terminal t = terminal(channel);
    if (t.process == null || t.exited) return Future.succeededFuture();
    // Output read from here on was drawn at the new size, or very nearly: the shell redraws once it
    // has it.
    t.sized(cols, rows);
    return runtimeWork.executeBlocking(
        () -> {
          t.process.resize(cols, rows);
          return null;
        },
        false);
  }

  Future<Void> close(int channel) {
    Terminal t = terminal(channel);
    terminals.remove(channel);
    count.set(terminals.size());
    return end(t);
  }

  /** Stops the reaper and ends every terminal. @return each terminal's end */
  List<Future<Void>> endAll() {
    vertx.cancelTimer(reaper);
    List<Future<Void>> ending = new ArrayList<>();
    for (Terminal t : terminals.values()) ending.add(end(t));
    terminals.clear();
    count.set(0);
    return ending;
  }

  private Terminal terminal(int channel) {
    Terminal t = terminals.get(channel);
    if (t == null) throw new SessionException("no_such_terminal", "no terminal " + channel);
    return t;
  }

  private void output(Terminal t, byte[] data) {
    t.output.append(data);
    for (SessionSocket s : List.copyOf(t.attached)) s.sendBinary(t.channel, data);
    output.regulate(t.flow, t.attached);
  }

  private void exited(Terminal t, int code) {
    t.exited = true;
    output.release(t.flow);
    for (SessionSocket s : List.copyOf(t.attached)) {
      s.sendEvent(
          new JsonObject().put("event", "term.exit").put("term", t.channel).put("code", code));
    }
  }

  private Future<Void> end(Terminal t) {
    output.release(t.flow);
    if (t.exited || t.process == null) return Future.succeededFuture();
    return runtimeWork.executeBlocking(
        () -> {
          runtime.execAndWait(
              containerId,
              List.of(
                  "/bin/sh",
                  "-c",
                  "p=$(cat "
                      + t.pidFile()
                      + " 2>/dev/null) && kill -HUP -$p 2>/dev/null; rm -f "
                      + t.pidFile()
                      + "; true"),
              Duration.ofSeconds(5));
          t.process.close();
          return null;
        },
        false);
  }

  private void reapDetached() {
    long now = System.nanoTime();
    for (Terminal t : new ArrayList<>(terminals.values())) {
      boolean lingered = t.detachedSince >= 0 && now - t.detachedSince > linger.toNanos();
      if (lingered || (t.exited && t.attached.isEmpty())) {
        terminals.remove(t.channel);
        count.set(terminals.size());
        end(t).onFailure(err -> LOG.debug("ending terminal {} of {}", t.channel, slug, err));
      }
    }
  }
}
