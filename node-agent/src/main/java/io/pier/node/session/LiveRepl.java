package io.pier.node.session;

import io.pier.node.runtime.ContainerRuntime;
import io.pier.node.runtime.TtyProcess;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lives around a running repl for its IDE sessions: the workspace's files and watcher, its terminals, its run
 * process and the sessions connected to it. Everything here runs on one Vert.x context; runtime callbacks hop onto it.
 */
public final class LiveRepl {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRepl.class);
  private static final String PID_DIR = "/tmp/.pier";
  private static final String RUN_PID = PID_DIR + "/run.pid";
  /**
   * The threads that run the container runtime's calls for terminals and the run process (exec, resize, kill), all
   * repls of the node together. Sessions ask for these, so they run apart from Vert.x's shared worker pool, where the
   * heartbeat and the cluster's work run. A session asks one at a time (its requests are answered in order).
   */
  static final String RUNTIME_POOL = "pier-session-runtime";
  static final int RUNTIME_THREADS = 8;

  /** The repl's run settings: the command, the port its app listens on, the file the IDE opens first. */
  public record RunSpec(String command, int port, String open) {
  }

  private final Vertx vertx;
  private final Context context;
  private final String slug;
  private final String containerId;
  private final ContainerRuntime runtime;
  private final WorkspaceFiles files;
  private final RunSpec runSpec;
  private final java.util.function.Consumer<java.util.Collection<String>> saved;
  private final Duration terminalLinger;
  private final Set<SessionSocket> sessions = new LinkedHashSet<>();
  /** Counts readable from any thread (metrics), kept in step with the sets on the context. */
  private final java.util.concurrent.atomic.AtomicInteger sessionCount = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger terminalCount = new java.util.concurrent.atomic.AtomicInteger();
  private final Map<Integer, Terminal> terminals = new LinkedHashMap<>();
  /** Versions this node announced itself, so the watcher does not announce the same change again. */
  private final Map<String, String> announced = new LinkedHashMap<>();
  private final OutputBuffer runOutput = new OutputBuffer(Terminal.REPLAY_BYTES);
  /** Streams paused because every session showing them has a full write queue; readable from any thread. */
  private final java.util.concurrent.atomic.AtomicInteger pausedStreams = new java.util.concurrent.atomic.AtomicInteger();
  /** Output read from streams and not yet sent to the sessions; readable from any thread. */
  private final java.util.concurrent.atomic.AtomicLong outputInHop = new java.util.concurrent.atomic.AtomicLong();
  private OutputFlow runFlow = new OutputFlow();
  private final long reaper;
  private final io.vertx.core.WorkerExecutor runtimeWork;
  private TtyProcess runProcess;
  private String runState = "stopped";
  private Integer runExitCode;
  private Promise<Void> runEnded;
  private boolean closed;

  /**
   * @param context where all of this repl's session work runs
   * @param saved   told (on a worker thread, before the session hears "ok") of every path a session changed, so that
   *                the change is journalled for storage before the user is told it is saved
   */
  public LiveRepl(Vertx vertx, Context context, String slug, String containerId, ContainerRuntime runtime,
                  Path workspace, RunSpec runSpec, Duration terminalLinger,
                  java.util.function.Consumer<java.util.Collection<String>> saved) {
    this.vertx = vertx;
    this.context = context;
    this.slug = slug;
    this.containerId = containerId;
    this.runtime = runtime;
    this.files = new WorkspaceFiles(workspace);
    this.runSpec = runSpec;
    this.saved = saved;
    this.terminalLinger = terminalLinger;
    this.runtimeWork = vertx.createSharedWorkerExecutor(RUNTIME_POOL, RUNTIME_THREADS);
    this.reaper = vertx.setPeriodic(5000, t -> context.runOnContext(v -> reapDetachedTerminals()));
  }

  public String slug() {
    return slug;
  }

  public WorkspaceFiles files() {
    return files;
  }

  /** Records that a session changed {@code paths}. Blocking: call on a worker thread. */
  void saved(java.util.Collection<String> paths) {
    saved.accept(paths);
  }

  public String runState() {
    return runState;
  }

  /** How many IDE tabs are connected now. */
  public int sessionCount() {
    return sessionCount.get();
  }

  /** How many terminals are open now. */
  public int terminalCount() {
    return terminalCount.get();
  }

  /** Terminal and run streams paused now because no session reads them. */
  public int pausedStreams() {
    return pausedStreams.get();
  }

  /** Bytes of output read from this repl's streams and not yet sent on to its sessions. */
  public long outputInHop() {
    return outputInHop.get();
  }

  /** The context all of this repl's session work runs on. */
  public Context context() {
    return context;
  }

  // --- sessions -------------------------------------------------------------------------------------------------

  void join(SessionSocket session) {
    if (closed) {
      session.close(SessionSocket.REPL_STOPPED, "the repl stopped");
      return;
    }
    sessions.add(session);
    sessionCount.set(sessions.size());
    JsonArray terms = new JsonArray();
    terminals.values().stream().filter(t -> !t.exited).forEach(t -> terms.add(new JsonObject().put("term", t.channel)));
    session.sendEvent(new JsonObject().put("event", "hello").put("protocol", 1).put("slug", slug)
        .put("session", session.id()).put("open", runSpec.open()).put("terminals", terms)
        .put("run", runStatus()));
    byte[] replay = runOutput.snapshot();
    if (replay.length > 0) session.sendBinary(0, replay);
  }

  void leave(SessionSocket session) {
    if (!sessions.remove(session)) return;
    sessionCount.set(sessions.size());
    for (Terminal t : terminals.values()) {
      if (t.attached.remove(session)) {
        if (t.attached.isEmpty()) t.detachedSince = System.nanoTime();
        regulate(t.flow, t.attached);
      }
    }
    regulate(runFlow, sessions);
  }

  /** A session's write queue has room again: its streams may flow. */
  void drained(SessionSocket session) {
    for (Terminal t : terminals.values()) {
      if (t.attached.contains(session)) regulate(t.flow, t.attached);
    }
    regulate(runFlow, sessions);
  }

  /**
   * Pauses a stream while every session that shows it has a full write queue, and lets it flow again as soon as one
   * has room. With nobody attached it flows into its replay buffer. A slow session among readers that keep up is not
   * waited for: {@link SessionSocket} closes it once it falls too far behind.
   */
  private void regulate(OutputFlow flow, java.util.Collection<SessionSocket> readers) {
    if (flow.closed()) return;
    boolean stuck = !readers.isEmpty();
    for (SessionSocket s : readers) {
      if (!s.congested()) {
        stuck = false;
        break;
      }
    }
    if (flow.pause(stuck)) pausedStreams.addAndGet(stuck ? 1 : -1);
  }

  /** The stream is ending: never paused again, so that its last bytes and its end get through. */
  private void release(OutputFlow flow) {
    if (flow.pause(false)) pausedStreams.decrementAndGet();
    flow.close();
  }

  /**
   * A listener for a stream's runtime thread that waits for room in {@code flow} (backpressure on the exec stream)
   * and hands each chunk to {@code deliver} on this repl's context.
   */
  private TtyProcess.Listener listener(OutputFlow flow, java.util.function.Consumer<byte[]> deliver,
                                       java.util.function.IntConsumer exited) {
    return new TtyProcess.Listener() {
      @Override
      public void output(byte[] data) {
        if (!flow.enter(data.length)) return;
        outputInHop.addAndGet(data.length);
        context.runOnContext(v -> {
          try {
            deliver.accept(data);
          } finally {
            outputInHop.addAndGet(-data.length);
            flow.delivered(data.length);
          }
        });
      }

      @Override
      public void exited(int code) {
        context.runOnContext(v -> exited.accept(code));
      }
    };
  }

  /** Sends a change made by {@code origin} (a session) to every session, and remembers it. */
  void announce(List<FileChange> changes, SessionSocket origin) {
    for (FileChange c : changes) announced.put(c.path(), fingerprint(c));
    while (announced.size() > 1000) announced.remove(announced.keySet().iterator().next());
    broadcast(fsEvent(changes, origin == null ? null : origin.id()));
  }

  /**
   * Forwards changes seen in the workspace (by a {@link WorkspaceWatcher}), less those sessions made and this node
   * announced already. Call on {@link #context()}.
   */
  public void workspaceChanged(List<FileChange> changes) {
    List<FileChange> fresh = new ArrayList<>();
    for (FileChange c : changes) {
      if (!fingerprint(c).equals(announced.remove(c.path()))) fresh.add(c);
    }
    if (!fresh.isEmpty()) broadcast(fsEvent(fresh, null));
  }

  private static String fingerprint(FileChange c) {
    return c.kind().equals("deleted") ? "deleted" : c.type() + ":" + c.version();
  }

  private static JsonObject fsEvent(List<FileChange> changes, String origin) {
    JsonObject event = new JsonObject().put("event", "fs")
        .put("changes", new JsonArray(changes.stream().map(FileChange::toJson).toList()));
    if (origin != null) event.put("origin", origin);
    return event;
  }

  private void broadcast(JsonObject event) {
    // A copy: a session that falls too far behind leaves the set while it is written to.
    for (SessionSocket s : List.copyOf(sessions)) s.sendEvent(event);
  }

  // --- terminals ------------------------------------------------------------------------------------------------

  Future<Integer> openTerminal(SessionSocket session, int maxTerminals, int cols, int rows) {
    if (terminals.values().stream().filter(t -> !t.exited).count() >= maxTerminals) {
      return Future.failedFuture(new SessionException("too_many_terminals", "at most " + maxTerminals + " terminals"));
    }
    int free = 1;
    while (terminals.containsKey(free)) free++;
    int channel = free;
    if (channel > 255) return Future.failedFuture(new SessionException("too_many_terminals", "no free channel"));
    Terminal terminal = new Terminal(channel);
    terminals.put(channel, terminal);
    terminalCount.set(terminals.size());
    terminal.attached.add(session);
    List<String> shell = List.of("/bin/sh", "-c",
        "mkdir -p " + PID_DIR + " && echo $$ > " + terminal.pidFile() + " && exec bash -l");
    return runtimeWork.executeBlocking(() -> runtime.execTty(containerId, shell, Map.of("TERM", "xterm-256color"), cols, rows,
            listener(terminal.flow, data -> terminalOutput(terminal, data), code -> terminalExited(terminal, code))),
            false)
        .map(process -> {
          terminal.process = process;
          return channel;
        })
        .onFailure(err -> {
          terminals.remove(channel);
          terminalCount.set(terminals.size());
          release(terminal.flow);
        });
  }

  Future<Void> attachTerminal(SessionSocket session, int channel) {
    Terminal t = terminal(channel);
    t.attached.add(session);
    t.detachedSince = -1;
    byte[] replay = t.output.snapshot();
    if (replay.length > 0) session.sendBinary(channel, replay);
    regulate(t.flow, t.attached);
    if (t.exited) session.sendEvent(new JsonObject().put("event", "term.exit").put("term", channel).put("code", -1));
    return Future.succeededFuture();
  }

  /** Types {@code data} into a terminal. @return how many bytes were dropped because it does not read its input */
  int terminalInput(int channel, byte[] data) {
    Terminal t = terminals.get(channel);
    if (t != null && t.process != null && !t.exited && !t.process.write(data)) return data.length;
    return 0;
  }

  Future<Void> resizeTerminal(int channel, int cols, int rows) {
    Terminal t = terminal(channel);
    if (t.process == null || t.exited) return Future.succeededFuture();
    return runtimeWork.executeBlocking(() -> {
      t.process.resize(cols, rows);
      return null;
    }, false);
  }

  Future<Void> closeTerminal(int channel) {
    Terminal t = terminal(channel);
    terminals.remove(channel);
    terminalCount.set(terminals.size());
    return endTerminal(t);
  }

  private Terminal terminal(int channel) {
    Terminal t = terminals.get(channel);
    if (t == null) throw new SessionException("no_such_terminal", "no terminal " + channel);
    return t;
  }

  private void terminalOutput(Terminal t, byte[] data) {
    t.output.append(data);
    for (SessionSocket s : List.copyOf(t.attached)) s.sendBinary(t.channel, data);
    regulate(t.flow, t.attached);
  }

  private void terminalExited(Terminal t, int code) {
    t.exited = true;
    release(t.flow);
    for (SessionSocket s : List.copyOf(t.attached)) {
      s.sendEvent(new JsonObject().put("event", "term.exit").put("term", t.channel).put("code", code));
    }
  }

  private Future<Void> endTerminal(Terminal t) {
    release(t.flow);
    if (t.exited || t.process == null) return Future.succeededFuture();
    return runtimeWork.executeBlocking(() -> {
      runtime.execAndWait(containerId, List.of("/bin/sh", "-c",
          "p=$(cat " + t.pidFile() + " 2>/dev/null) && kill -HUP -$p 2>/dev/null; true"), Duration.ofSeconds(5));
      t.process.close();
      return null;
    }, false);
  }

  private void reapDetachedTerminals() {
    long now = System.nanoTime();
    for (Terminal t : new ArrayList<>(terminals.values())) {
      boolean lingered = t.detachedSince >= 0 && now - t.detachedSince > terminalLinger.toNanos();
      if (lingered || (t.exited && t.attached.isEmpty())) {
        terminals.remove(t.channel);
        terminalCount.set(terminals.size());
        endTerminal(t).onFailure(err -> LOG.debug("ending terminal {} of {}", t.channel, slug, err));
      }
    }
  }

  // --- run ------------------------------------------------------------------------------------------------------

  /** Starts the run command, stopping the one that runs first (Run again restarts). */
  public Future<Void> startRun() {
    // With no run process of its own (an adopted repl), one an earlier agent started may still hold the port.
    Future<Void> cleared = runProcess == null ? runtimeWork.executeBlocking(() -> {
      runtime.execAndWait(containerId, killRunGroup(), Duration.ofSeconds(10));
      return (Void) null;
    }, false).recover(err -> Future.succeededFuture()) : stopRun();
    return cleared.compose(v -> {
      runOutput.clear();
      runExitCode = null;
      OutputFlow flow = new OutputFlow();
      runFlow = flow;
      Promise<Void> ended = Promise.promise();
      runEnded = ended;
      // Announced before the process can print, so a tab knows the output that follows is the new run's.
      runState = "running";
      broadcast(new JsonObject().put("event", "run").mergeIn(runStatus()));
      List<String> command = List.of("/bin/sh", "-c",
          "mkdir -p " + PID_DIR + " && echo $$ > " + RUN_PID + " && exec /bin/sh -c \"$PIER_RUN\"");
      Map<String, String> env = Map.of("PIER_RUN", runSpec.command(), "PORT", String.valueOf(runSpec.port()),
          "TERM", "xterm-256color");
      return runtimeWork.executeBlocking(() -> runtime.execTty(containerId, command, env, 120, 30, listener(flow, data -> {
        runOutput.append(data);
        for (SessionSocket s : List.copyOf(sessions)) s.sendBinary(0, data);
        if (flow == runFlow) regulate(flow, sessions);
      }, code -> {
        release(flow);
        runExited(ended, code);
      })), false).map(process -> {
        runProcess = process;
        return (Void) null;
      }).onFailure(err -> {
        release(flow);
        runState = "stopped";
        broadcast(new JsonObject().put("event", "run").mergeIn(runStatus()));
      });
    });
  }

  /** Stops the run process and everything it started (its process group): TERM, then KILL after 3 s. */
  public Future<Void> stopRun() {
    if (runProcess == null || !"running".equals(runState)) return Future.succeededFuture();
    Future<Void> ended = runEnded.future();
    runState = "stopping";
    // A paused stream would hide the end of the process until the stop gives up waiting.
    release(runFlow);
    return runtimeWork.executeBlocking(() -> runtime.execAndWait(containerId, killRunGroup(), Duration.ofSeconds(10)), false)
        .compose(code -> ended.timeout(5, TimeUnit.SECONDS).recover(err -> Future.succeededFuture()))
        .onComplete(ar -> {
          if (runProcess != null) runProcess.close();
          runProcess = null;
          runState = "stopped";
          broadcast(new JsonObject().put("event", "run").mergeIn(runStatus()));
        });
  }

  /** The run process's group, by the id it wrote at start: TERM, then KILL if it lingers 3 s. */
  private static List<String> killRunGroup() {
    return List.of("/bin/sh", "-c",
        "p=$(cat " + RUN_PID + " 2>/dev/null) || exit 0; kill -TERM -$p 2>/dev/null || exit 0; "
            + "for i in $(seq 30); do kill -0 -$p 2>/dev/null || exit 0; sleep 0.1; done; kill -KILL -$p 2>/dev/null; true");
  }

  /** True once the run process has ended on its own. */
  public boolean runExited() {
    return "exited".equals(runState);
  }

  /** The run process's recent output, as text. */
  public String runOutputText() {
    return new String(runOutput.snapshot(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private void runExited(Promise<Void> ended, int code) {
    ended.tryComplete();
    if (ended != runEnded) return;
    runExitCode = code;
    if ("running".equals(runState)) {
      runState = "exited";
      broadcast(new JsonObject().put("event", "run").mergeIn(runStatus()));
    }
  }

  private JsonObject runStatus() {
    JsonObject status = new JsonObject().put("state", runState);
    if (runExitCode != null) status.put("code", runExitCode);
    return status;
  }

  // --- life -----------------------------------------------------------------------------------------------------

  /** Ends terminals and the run process, disconnects every session and stops watching. */
  public Future<Void> close() {
    if (closed) return Future.succeededFuture();
    closed = true;
    vertx.cancelTimer(reaper);
    List<Future<Void>> ending = new ArrayList<>();
    ending.add(stopRun());
    for (Terminal t : terminals.values()) ending.add(endTerminal(t));
    terminals.clear();
    terminalCount.set(0);
    return Future.join(ending).<Void>mapEmpty().recover(err -> Future.succeededFuture()).onComplete(ar -> {
      for (SessionSocket s : new ArrayList<>(sessions)) s.close(SessionSocket.REPL_STOPPED, "the repl stopped");
      sessions.clear();
      sessionCount.set(0);
      // Shared by name: the threads go once the last repl using them closes.
      runtimeWork.close();
    });
  }

  static Buffer frame(int channel, byte[] data) {
    Buffer b = Buffer.buffer(data.length + 1);
    b.appendByte((byte) channel);
    b.appendBytes(data);
    return b;
  }
}
