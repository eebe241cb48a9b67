package io.pier.node.envd.process;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.ConnectService;
import io.pier.node.envd.connect.EnvdCall;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.envd.process.ProcessRequests.Input;
import io.pier.node.envd.process.ProcessRequests.PtySize;
import io.pier.node.envd.process.ProcessRequests.StartSpec;
import io.pier.node.exec.ExecLimits;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.session.LiveRepl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * E2B's {@code process.Process} ({@code spec/envd/process/process.proto}) on a repl's sandbox: {@code Start} and
 * {@code Connect} stream a process's events, {@code List}, {@code SendInput}, {@code SendSignal}, {@code CloseStdin}
 * and {@code Update} act on one by pid or tag. {@code StreamInput} (client streaming, which Connect over HTTP/1.1
 * cannot carry) is not offered: the router answers {@code unimplemented}. Processes run as the repl's unprivileged
 * user with the repl's environment; a {@code Start} with a deadline ({@code Connect-Timeout-Ms}) kills its process at
 * the deadline, and a caller that goes away leaves the process running, as envd does.
 */
public final class ProcessService implements ConnectService {
  /** The threads that make the sandbox driver's calls for this service, all repls of the node together. */
  static final String RUNTIME_POOL = "pier-envd-runtime";

  static final int RUNTIME_THREADS = 8;

  /** Input to one process queued and not yet written, at most. */
  static final long MAX_QUEUED_INPUT = 1024 * 1024;

  private final Vertx vertx;
  private final ProcessRequests requests;
  private final EnvdProcesses processes;
  private final ProcessLauncher launcher;
  private final SecureRandom random = new SecureRandom();
  private final Counter droppedEarly;

  /** @param limits the exec bounds (command and environment sizes, processes per repl) */
  public ProcessService(Vertx vertx, ExecLimits limits, MeterRegistry metrics) {
    this.vertx = vertx;
    this.requests = new ProcessRequests(limits);
    this.processes = new EnvdProcesses(limits.runningPerRepl());
    this.launcher =
        new ProcessLauncher(vertx.createSharedWorkerExecutor(RUNTIME_POOL, RUNTIME_THREADS));
    Gauge.builder("pier.envd.processes", processes, EnvdProcesses::running)
        .description("Processes started through the in-sandbox API running on this node")
        .register(metrics);
    this.droppedEarly =
        Counter.builder("pier.envd.process.early.dropped")
            .baseUnit("bytes")
            .description(
                "Error output a process wrote before its start was told, dropped beyond what is held for it")
            .register(metrics);
  }

  @Override
  public String name() {
    return "process.Process";
  }

  @Override
  public Map<String, Unary> unary() {
    return Map.of(
        "List", this::list,
        "SendInput", this::sendInput,
        "SendSignal", this::sendSignal,
        "CloseStdin", this::closeStdin,
        "Update", this::update);
  }

  @Override
  public Map<String, ServerStreaming> serverStreaming() {
    return Map.of("Start", this::start, "Connect", this::connect);
  }

  private void start(EnvdCall call, JsonObject request, MessageSink out) {
    StartSpec spec = requests.start(request);
    LiveRepl repl = call.repl();
    String cwd = spec.cwd() == null ? ProcessLauncher.DEFAULT_CWD : spec.cwd();
    EnvdProcess process =
        new EnvdProcess(
            newId(),
            spec,
            cwd,
            (pid, signal) -> launcher.signal(repl, pid, signal),
            droppedEarly::increment);
    processes.admit(repl, process);
    long deadline =
        call.timeout().isZero()
            ? -1
            : vertx.setTimer(call.timeout().toMillis(), t -> process.signal("KILL"));
    process
        .done()
        .onComplete(
            ended -> {
              if (deadline >= 0) vertx.cancelTimer(deadline);
              processes.remove(repl, process);
              if (process.stdinFifo() != null) launcher.cleanUp(repl, process.stdinFifo());
            });
    process.followFromStart(out);
    keepAlive(call, out);
    launcher.launch(repl, process);
  }

  private void connect(EnvdCall call, JsonObject request, MessageSink out) {
    EnvdProcess process = find(call, requests.selector(request));
    if (!process.follow(out)) {
      throw new ConnectException(ConnectCode.NOT_FOUND, "the process has ended");
    }
    keepAlive(call, out);
  }

  private Future<JsonObject> list(EnvdCall call, JsonObject request) {
    JsonArray listed = new JsonArray();
    processes.find(call.repl()).ifPresent(table -> table.list().forEach(p -> listed.add(p.info())));
    return Future.succeededFuture(new JsonObject().put("processes", listed));
  }

  private Future<JsonObject> sendInput(EnvdCall call, JsonObject request) {
    EnvdProcess process = find(call, requests.selector(request));
    Input input = requests.input(request);
    if (process.spec().pty() != null) {
      TtyProcess tty = process.tty();
      if (tty == null) throw precondition("the process's terminal is not up yet; try again");
      if (!tty.write(input.data())) {
        throw new ConnectException(
            ConnectCode.RESOURCE_EXHAUSTED, "the process has not read its earlier input yet");
      }
      return Future.succeededFuture(new JsonObject());
    }
    String fifo = process.stdinFifo();
    if (fifo == null) throw precondition("the process was started without stdin (stdin: false)");
    if (process.stdinClosed()) throw precondition("the process's stdin is closed");
    return process
        .queueInput(
            input.data().length,
            MAX_QUEUED_INPUT,
            () -> launcher.write(call.repl(), fifo, input.data()))
        .map(new JsonObject());
  }

  private Future<JsonObject> sendSignal(EnvdCall call, JsonObject request) {
    EnvdProcess process = find(call, requests.selector(request));
    String signal = requests.signal(request);
    if (!process.signal(signal)) {
      throw new ConnectException(ConnectCode.NOT_FOUND, "the process has ended");
    }
    return Future.succeededFuture(new JsonObject());
  }

  private Future<JsonObject> closeStdin(EnvdCall call, JsonObject request) {
    EnvdProcess process = find(call, requests.selector(request));
    if (process.spec().pty() != null) {
      throw precondition("a terminal has no stdin to close: send Ctrl-D (0x04) as input");
    }
    String fifo = process.stdinFifo();
    if (fifo == null) throw precondition("the process was started without stdin (stdin: false)");
    if (!process.closeStdin()) return Future.succeededFuture(new JsonObject());
    // After the input queued before it, so that the process reads all of it before the end.
    return process
        .queueInput(0, MAX_QUEUED_INPUT, () -> launcher.closeStdin(call.repl(), fifo))
        .map(new JsonObject());
  }

  private Future<JsonObject> update(EnvdCall call, JsonObject request) {
    EnvdProcess process = find(call, requests.selector(request));
    Object rawPty = request.getValue("pty");
    PtySize size = requests.pty(rawPty instanceof JsonObject pty ? pty : null);
    if (size == null) return Future.succeededFuture(new JsonObject());
    if (process.spec().pty() == null) throw precondition("the process has no terminal to resize");
    TtyProcess tty = process.tty();
    if (tty == null) throw precondition("the process's terminal is not up yet; try again");
    return launcher.resize(tty, size).map(new JsonObject());
  }

  private EnvdProcess find(EnvdCall call, ProcessRequests.Selector selector) {
    return processes
        .find(call.repl())
        .orElseThrow(
            () ->
                new ConnectException(
                    ConnectCode.NOT_FOUND, "process with " + selector + " not found"))
        .find(selector);
  }

  /** Sends E2B's keep-alive event on {@code out} as often as the caller asked, while it has room. */
  private void keepAlive(EnvdCall call, MessageSink out) {
    if (call.keepalive().isZero()) return;
    long timer =
        vertx.setPeriodic(
            call.keepalive().toMillis(),
            t -> {
              if (!out.full()) out.send(ProcessEvents.keepalive());
            });
    out.onClose(() -> vertx.cancelTimer(timer));
  }

  private static ConnectException precondition(String message) {
    return new ConnectException(ConnectCode.FAILED_PRECONDITION, message);
  }

  private String newId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
