package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.pier.node.sandbox.IdleTty;
import io.pier.node.sandbox.SandboxExec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A repl's terminals over a fake container runtime that records the commands it is given. */
class ReplTerminalsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern PID_FILE_WRITTEN = Pattern.compile("echo \\$\\$ > (\\S+)");
  private static final Pattern PID_FILE_SIGNALLED = Pattern.compile("cat (\\S+) .*kill -HUP");

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final WorkerExecutor runtimeWork = vertx.createSharedWorkerExecutor("terminals-test", 2);

  /** Every command the terminals ran in the container, in order. */
  private final List<String> commands = new CopyOnWriteArrayList<>();

  /** The environment of every terminal started, in order. */
  private final List<Map<String, String>> environments = new CopyOnWriteArrayList<>();

  private final ReplTerminals terminals =
      new ReplTerminals(
          vertx,
          context,
          "demo",
          "container",
          recordingRuntime(),
          runtimeWork,
          new OutputRegulator(context),
          () -> Map.of("API_TOKEN", "t0k3n", "TERM", "dumb"),
          Duration.ofMinutes(5));

  @AfterEach
  void tearDown() {
    Mains.await(onContext(() -> Future.all(terminals.endAll()).mapEmpty()), WAIT);
    runtimeWork.close();
    Mains.await(vertx.close(), WAIT);
  }

  @Test
  void aTerminalGetsTheOwnersVariablesWithPiersTermOverThem() {
    Mains.await(onContext(() -> terminals.open(null, 8, 80, 24)), WAIT);
    assertEquals(Map.of("API_TOKEN", "t0k3n", "TERM", "xterm-256color"), environments.get(0));
  }

  @Test
  void closingATerminalNeverSignalsTheShellThatReusesItsChannel() {
    int first = Mains.await(onContext(() -> terminals.open(null, 8, 80, 24)), WAIT);
    // Another tab opens a terminal while the first one is being closed: it gets the freed channel.
    int second =
        Mains.await(
            onContext(
                () -> {
                  Future<Void> closing = terminals.close(first);
                  return terminals.open(null, 8, 80, 24).compose(channel -> closing.map(channel));
                }),
            WAIT);

    assertEquals(first, second, "the channel is reused");
    List<String> written = matches(PID_FILE_WRITTEN);
    List<String> signalled = matches(PID_FILE_SIGNALLED);
    assertEquals(2, written.size(), "two shells started: " + commands);
    assertEquals(
        List.of(written.get(0)), signalled, "only the closed shell is signalled: " + commands);
    assertNotEquals(written.get(0), written.get(1), "each shell has a pid file of its own");
    assertTrue(
        commands.stream().anyMatch(c -> c.contains("rm -f " + written.get(0))),
        "the closed one's is removed");
  }

  private List<String> matches(Pattern pattern) {
    return commands.stream()
        .map(pattern::matcher)
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .toList();
  }

  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  @SuppressWarnings("unchecked")
  private SandboxExec recordingRuntime() {
    return (SandboxExec)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {SandboxExec.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "execTty" -> {
                    commands.add(String.join(" ", (List<String>) args[1]));
                    environments.add((Map<String, String>) args[2]);
                    yield new IdleTty();
                  }
                  case "execAndWait" -> {
                    commands.add(String.join(" ", (List<String>) args[1]));
                    yield 0;
                  }
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }
}
