package io.pier.node.session;

import io.pier.node.collab.ReplDocuments;
import io.pier.node.sandbox.SandboxExec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What lives around a running repl for its IDE sessions: the workspace's files, its terminals ({@link ReplTerminals}),
 * its run process ({@link RunProcess}), its {@code fs} events ({@link FileEvents}) and the sessions connected to it.
 * Everything here runs on one Vert.x context; runtime callbacks hop onto it.
 */
public final class LiveRepl {
  /** Where the shells and the run process write their process ids in the container, so that they can be ended. */
  static final String PID_DIR = "/tmp/.pier";

  /**
   * The threads that run the container runtime's calls for terminals and the run process (exec, resize, kill), all
   * repls of the node together. Sessions ask for these, so they run apart from Vert.x's shared worker pool, where the
   * heartbeat and the cluster's work run. A session asks one at a time (its requests are answered in order).
   */
  static final String RUNTIME_POOL = "pier-session-runtime";

  static final int RUNTIME_THREADS = 8;

  /** The repl's run settings: the command, the port its app listens on, the file the IDE opens first. */
  public record RunSpec(String command, int port, String open) {}

  /** Hears of the workspace's changes besides the IDE sessions (the programs' API watch streams), on {@link #context()}. */
  public interface ChangeListener {
    void changed(List<FileChange> changes);

    /** The repl stopped: no more changes come. */
    void ended();
  }

  private final Context context;
  private final String slug;
  private final String sandboxId;
  private final SandboxExec sandbox;
  private final WorkspaceFiles files;
  private final RunSpec runSpec;
  private final Consumer<Collection<String>> saved;
  private final WorkerExecutor runtimeWork;
  private final ReplSessions sessions = new ReplSessions();
  private final OutputRegulator output;
  private final FileEvents fileEvents;
  private final ReplTerminals terminals;
  private final RunProcess run;
  private final ReplEnvironment environment;
  private final ChangeListeners changeListeners = new ChangeListeners();
  private final ReplCollab collab;

  private boolean closed;

  /**
   * @param context where all of this repl's session work runs
   * @param saved   told (on a worker thread, before the session hears "ok") of every path a session changed, so that
   *                the change is journalled for storage before the user is told it is saved
   */
  public LiveRepl(
      Vertx vertx,
      Context context,
      String slug,
      String containerId,
      SandboxExec runtime,
      Path workspace,
      RunSpec runSpec,
      Duration terminalLinger,
      ReplEnvironment environment,
      WaitingRuns waitingRuns,
      Consumer<Collection<String>> saved) {
    this.context = context;
    this.slug = slug;
    this.collab = new ReplCollab(vertx, this);
    this.sandboxId = containerId;
    this.sandbox = runtime;
    this.files = new WorkspaceFiles(workspace);
    this.runSpec = runSpec;
    this.saved = saved;
    this.runtimeWork = vertx.createSharedWorkerExecutor(RUNTIME_POOL, RUNTIME_THREADS);
    this.output = new OutputRegulator(context);
    this.fileEvents = new FileEvents(sessions);
    this.terminals =
        new ReplTerminals(
            vertx,
            context,
            slug,
            containerId,
            runtime,
            runtimeWork,
            output,
            environment,
            terminalLinger);
    this.run =
        new RunProcess(
            containerId, runtime, runtimeWork, output, sessions, runSpec, environment, waitingRuns);
    this.environment = environment;
  }

  public String slug() {
    return slug;
  }

  /** The variables its owner set, for a process started in it. */
  public ReplEnvironment environment() {
    return environment;
  }

  /** The id of the repl's sandbox, for {@link #sandbox()}. */
  public String sandboxId() {
    return sandboxId;
  }

  /** Starts processes in the repl's sandbox, as its user (the programs' exec). */
  public SandboxExec sandbox() {
    return sandbox;
  }

  public WorkspaceFiles files() {
    return files;
  }

  /**
   * Records that a session or the programs' API changed {@code paths}, so that the change is journalled for storage
   * before the caller is told it is done. Blocking: call on a worker thread.
   */
  public void saved(Collection<String> paths) {
    saved.accept(paths);
  }

  public String runState() {
    return run.state();
  }

  /** How many IDE tabs are connected now. */
  public int sessionCount() {
    return sessions.count();
  }

  /** How many terminals are open now. */
  public int terminalCount() {
    return terminals.count();
  }

  /** Terminal and run streams paused now because no session reads them. */
  public int pausedStreams() {
    return output.pausedStreams();
  }

  /** Bytes of output read from this repl's streams and not yet sent on to its sessions. */
  public long outputInHop() {
    return output.outputInHop();
  }

  /** The context all of this repl's session work runs on. */
  public Context context() {
    return context;
  }

  /** The files open for co-editing now, once a session asked for one (for the node's gauges). */
  public Optional<ReplDocuments> sharedDocuments() {
    return collab.documents();
  }

  /** Its shared documents and presence (docs/protocol.md#co-editing). */
  ReplCollab collab() {
    return collab;
  }

  /** Its terminals, which sessions open, attach to and type into. */
  ReplTerminals terminals() {
    return terminals;
  }

  // --- sessions
  // -------------------------------------------------------------------------------------------------

  void join(SessionSocket session) {
    if (closed) {
      session.close(SessionSocket.REPL_STOPPED, "the repl stopped");
      return;
    }
    sessions.add(session);
    session.sendEvent(
        new JsonObject()
            .put("event", "hello")
            .put("protocol", 1)
            .put("slug", slug)
            .put("session", session.id())
            .put("open", runSpec.open())
            .put("terminals", terminals.running())
            .put("run", run.status()));
    byte[] replay = run.replay();
    if (replay.length > 0) session.sendBinary(0, replay);
    // After hello and the run's replay, which the protocol puts first.
    collab.joined(session.peer());
  }

  void leave(SessionSocket session) {
    if (!sessions.remove(session)) return;
    collab.left(session.peer());
    terminals.detach(session);
    run.regulate();
  }

  /** A session's write queue has room again: its streams may flow. */
  void drained(SessionSocket session) {
    terminals.drained(session);
    run.regulate();
  }

  /** Sends a change made by {@code origin} (a session) to every session, and remembers it. */
  void announce(List<FileChange> changes, SessionSocket origin) {
    fileEvents.announce(changes, origin);
    collab.filesChanged(changes);
  }

  /**
   * Forwards changes seen in the workspace (by a {@link WorkspaceWatcher}), less those sessions made and this node
   * announced already. Call on {@link #context()}.
   */
  public void workspaceChanged(List<FileChange> changes) {
    changeListeners.changed(changes);
    fileEvents.workspaceChanged(changes);
    collab.filesChanged(changes);
  }

  /** Adds a listener of the workspace's changes. Call on {@link #context()}. @return false once the repl stopped */
  public boolean listen(ChangeListener listener) {
    return changeListeners.add(listener);
  }

  /** Call on {@link #context()}. */
  public void unlisten(ChangeListener listener) {
    changeListeners.remove(listener);
  }

  // --- run
  // ------------------------------------------------------------------------------------------------------

  /** Starts the run command, stopping the one that runs first (Run again restarts). */
  public Future<Void> startRun() {
    return run.start();
  }

  /**
   * Starts the run command in a sandbox this agent has just started, where no earlier run can hold the port: without
   * the call into the container that clears one away.
   */
  public Future<Void> startFirstRun() {
    return run.startFirst();
  }

  /** Stops the run process and everything it started (its process group): TERM, then KILL after 3 s. */
  public Future<Void> stopRun() {
    return run.stop();
  }

  /** True once the run process has ended on its own. */
  public boolean runExited() {
    return run.exited();
  }

  /** The run process's recent output, as text. */
  public String runOutputText() {
    return run.outputText();
  }

  // --- life
  // -----------------------------------------------------------------------------------------------------

  /** Ends terminals and the run process, disconnects every session and stops watching. */
  public Future<Void> close() {
    if (closed) return Future.succeededFuture();
    closed = true;
    changeListeners.end();
    List<Future<Void>> ending = new ArrayList<>();
    ending.add(collab.flushAll());
    ending.add(run.stop());
    ending.addAll(terminals.endAll());
    return Future.join(ending)
        .<Void>mapEmpty()
        .recover(err -> Future.succeededFuture())
        .onComplete(
            ar -> {
              sessions.closeAll(SessionSocket.REPL_STOPPED, "the repl stopped");
              // Shared by name: the threads go once the last repl using them closes.
              runtimeWork.close();
            });
  }
}
