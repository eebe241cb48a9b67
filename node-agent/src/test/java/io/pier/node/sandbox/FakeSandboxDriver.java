package io.pier.node.sandbox;

import com.sun.net.httpserver.HttpServer;
import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.TtyProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A driver without any isolation, for fast tests of the agent: a sandbox is a record in memory, its app an HTTP server
 * on a loopback port that answers its slug, its programs {@code true}, {@code false}, {@code echo}, {@code stty size} (on a terminal) and
 * {@code test -f /workspace/<path>} (which reads the host's workspace folder, as a shared folder would). A long-running
 * process on a terminal (the run command, a shell) idles until it is closed. Sandboxes outlive the agent that started
 * them for as long as the same driver instance lives, as containers outlive a restarted agent.
 */
public final class FakeSandboxDriver implements SandboxDriver {
  public static final String NAME = "fake";

  private static final class Sandbox {
    final SandboxSpec spec;
    final String id;
    volatile String slug;
    volatile boolean running = true;
    HttpServer app;

    Sandbox(SandboxSpec spec, String id) {
      this.spec = spec;
      this.id = id;
      this.slug = spec.slug();
    }
  }

  private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final Set<String> images = ConcurrentHashMap.newKeySet();

  /** Every command run in a sandbox, as {@code id: command}. */
  public final List<String> commands = new CopyOnWriteArrayList<>();

  public final List<Path> prepared = new CopyOnWriteArrayList<>();

  /** Runs as each {@link #start} begins, before the sandbox exists: where a test watches or holds up a creation. */
  public volatile Runnable onStart = () -> {};

  /** Runs with each command before it runs in a sandbox: where a test sees what the sandbox could see then. */
  public volatile Consumer<List<String>> onExec = command -> {};

  /** Runs each time {@link #running} is asked, before it answers (a slow runtime, say). */
  public volatile Runnable onInspect = () -> {};

  /** The address every running sandbox has of its own ({@link #address}); none while null. */
  public volatile String address;

  /** @param images the images present on the fake node */
  public FakeSandboxDriver(String... images) {
    this.images.addAll(List.of(images));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Capabilities capabilities() {
    return new Capabilities(
        true, true, true, Set.of(Capabilities.NetworkMode.PUBLISHED_PORT), false, false);
  }

  @Override
  public Set<String> runtimes() {
    return Set.of("fake");
  }

  @Override
  public ImageStore images() {
    return new ImageStore() {
      @Override
      public List<String> images() {
        return List.copyOf(images);
      }

      @Override
      public void pull(String ref, Duration timeout) {
        images.add(ref);
      }
    };
  }

  @Override
  public WorkspacePort workspaces() {
    return prepared::add;
  }

  @Override
  public StartedSandbox start(SandboxSpec spec) {
    onStart.run();
    if (!images.contains(spec.image())) throw new ImageMissing(spec.image(), null);
    Sandbox sandbox = new Sandbox(spec, "fake-" + ids.incrementAndGet());
    if (spec.appPort() != 0) sandbox.app = serve(sandbox);
    sandboxes.put(sandbox.id, sandbox);
    return new StartedSandbox(handleOf(sandbox), endpoint(sandbox), Optional.ofNullable(address));
  }

  @Override
  public SandboxHandle claim(String id, String slug) {
    Sandbox sandbox = sandboxes.get(id);
    if (sandbox == null || !sandbox.running)
      throw new SandboxException("no running sandbox " + id, null);
    sandbox.slug = slug;
    return handleOf(sandbox);
  }

  /** The spec the sandbox was started with. */
  public SandboxSpec spec(String id) {
    return sandboxes.get(id).spec;
  }

  @Override
  public Recovered recover(SandboxHandle handle) {
    Sandbox sandbox = sandboxes.get(handle.id());
    if (!NAME.equals(handle.driver()) || sandbox == null || !sandbox.slug.equals(handle.slug())) {
      return Recovered.GONE;
    }
    return new Recovered(sandbox.running, endpoint(sandbox));
  }

  @Override
  public List<FoundSandbox> list() {
    List<FoundSandbox> found = new ArrayList<>();
    for (Sandbox s : sandboxes.values())
      found.add(new FoundSandbox(handleOf(s), s.running, s.spec.annotations()));
    return found;
  }

  @Override
  public void stop(String id, Duration grace) {
    Sandbox sandbox = sandboxes.get(id);
    if (sandbox == null) return;
    sandbox.running = false;
    if (sandbox.app != null) sandbox.app.stop(0);
  }

  @Override
  public void destroy(String id) {
    stop(id, Duration.ZERO);
    sandboxes.remove(id);
  }

  @Override
  public boolean running(String id) {
    onInspect.run();
    Sandbox sandbox = sandboxes.get(id);
    return sandbox != null && sandbox.running;
  }

  @Override
  public Optional<String> address(String id) {
    return running(id) ? Optional.ofNullable(address) : Optional.empty();
  }

  @Override
  public String logTail(String id, int lines) {
    return "";
  }

  @Override
  public Optional<Usage> usage(String id) {
    return running(id)
        ? Optional.of(new Usage(1_000_000L * commands.size(), 64L << 20))
        : Optional.empty();
  }

  @Override
  public TtyProcess execTty(
      String id,
      List<String> command,
      Map<String, String> env,
      int cols,
      int rows,
      TtyProcess.Listener listener) {
    int code = run(id, command);
    if (code >= 0) {
      if (command.get(0).equals("echo")) {
        listener.output(
            (String.join(" ", command.subList(1, command.size())) + "\r\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      if (command.equals(List.of("stty", "size"))) {
        listener.output((rows + " " + cols + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      listener.exited(code);
    }
    return new IdleTty();
  }

  /** The short programs as {@link #execTty} runs them, {@code echo}'s words on stdout; the rest idles until closed. */
  @Override
  public PipedProcess execPiped(
      String id,
      List<String> command,
      Map<String, String> env,
      String workingDir,
      PipedProcess.Listener listener) {
    int code = run(id, command);
    if (code >= 0) {
      if (command.get(0).equals("echo")) {
        listener.output(
            PipedProcess.Stream.STDOUT,
            (String.join(" ", command.subList(1, command.size())) + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      listener.exited(code);
    }
    return () -> {};
  }

  @Override
  public int execAndWait(String id, List<String> command, Duration timeout) {
    int code = run(id, command);
    return code >= 0 ? code : 0;
  }

  /** @return the exit code of a short program, -1 for anything else (which idles until closed) */
  private int run(String id, List<String> command) {
    Sandbox sandbox = sandboxes.get(id);
    if (sandbox == null || !sandbox.running)
      throw new SandboxException("no running sandbox " + id, null);
    onExec.accept(command);
    commands.add(id + ": " + String.join(" ", command));
    return switch (command.get(0)) {
      case "true", "echo", "stty" -> 0;
      case "false" -> 1;
      case "test" ->
          command.size() == 3
                  && command.get(1).equals("-f")
                  && command.get(2).startsWith("/workspace/")
                  && Files.isRegularFile(
                      sandbox
                          .spec
                          .workspace()
                          .resolve(command.get(2).substring("/workspace/".length())))
              ? 0
              : 1;
      default -> -1;
    };
  }

  @Override
  public void close() {
    for (Sandbox s : new HashSet<>(sandboxes.values())) destroy(s.id);
  }

  /** Ends the sandbox behind the agent's back, as a crash or an operator would. */
  public void crash(String id) {
    stop(id, Duration.ZERO);
  }

  /** The ids of the sandboxes that exist, running or not. */
  public Set<String> ids() {
    return Set.copyOf(sandboxes.keySet());
  }

  private static SandboxHandle handleOf(Sandbox sandbox) {
    return new SandboxHandle(NAME, sandbox.slug, sandbox.id, Map.of());
  }

  private static Optional<Endpoint> endpoint(Sandbox sandbox) {
    return sandbox.app == null || !sandbox.running
        ? Optional.empty()
        : Optional.of(new Endpoint("127.0.0.1", sandbox.app.getAddress().getPort()));
  }

  private static HttpServer serve(Sandbox sandbox) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            byte[] body = sandbox.slug.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
