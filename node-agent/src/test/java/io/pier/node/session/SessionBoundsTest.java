package io.pier.node.session;

import static io.pier.node.session.TestSession.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.config.Mains;
import io.pier.node.limits.SessionLimits;
import io.pier.node.limits.SessionSlots;
import io.pier.node.runtime.TtyProcess;
import io.pier.node.sandbox.SandboxExec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds of IDE sessions, against a real WebSocket server on loopback and a fake container runtime: requests in
 * flight, the file pool's busy and timeout answers, backpressure on terminal output, slots given back.
 */
class SessionBoundsTest {
  @TempDir Path workspace;

  private final Vertx vertx = Vertx.vertx();
  private final List<AutoCloseable> closing = new ArrayList<>();

  /** Released at the end: whatever the test made block. */
  private final CountDownLatch release = new CountDownLatch(1);

  /** What "saving" a change waits for: the journal, here. */
  private volatile CountDownLatch journal = new CountDownLatch(0);

  private final List<FakeTty> ttys = new CopyOnWriteArrayList<>();
  private SessionHub hub;
  private LiveRepl repl;
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    release.countDown();
    journal.countDown();
    for (FakeTty tty : ttys) tty.stop();
    for (AutoCloseable c : closing) c.close();
    if (repl != null) Mains.await(onContext(repl::close), TestSession.WAIT);
    if (hub != null) hub.close();
    Mains.await(vertx.close(), TestSession.WAIT);
  }

  private Future<Void> onContext(Supplier<Future<Void>> work) {
    Promise<Void> done = Promise.promise();
    repl.context().runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  private void start(SessionLimits limits) throws Exception {
    hub = new SessionHub(vertx, limits, new SimpleMeterRegistry());
    SandboxExec runtime =
        (SandboxExec)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SandboxExec.class},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "execTty" -> {
                        FakeTty tty = new FakeTty((TtyProcess.Listener) args[5]);
                        ttys.add(tty);
                        yield tty;
                      }
                      case "execAndWait" -> 0;
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    repl =
        new LiveRepl(
            vertx,
            vertx.getOrCreateContext(),
            "demo",
            "container",
            runtime,
            workspace,
            new LiveRepl.RunSpec("true", 0, null),
            Duration.ofSeconds(60),
            ReplEnvironment.NONE,
            WaitingRuns.NONE,
            paths -> {
              // Like a read of a FIFO: an interrupt does not end the wait.
              boolean done = false;
              while (!done) {
                try {
                  done = journal.await(1, TimeUnit.DAYS);
                } catch (InterruptedException ignored) {
                  // keep waiting
                }
              }
            });
    HttpServer server =
        Mains.await(
            vertx
                // The node-agent's frame sizes: a message goes out as one frame up to 8 MiB.
                .createHttpServer(
                    new HttpServerOptions()
                        .setMaxWebSocketFrameSize(8 << 20)
                        .setMaxWebSocketMessageSize(8 << 20))
                .requestHandler(
                    request -> {
                      SessionSlots.Slot slot;
                      try {
                        slot = hub.slots().acquire("demo");
                      } catch (SessionSlots.Refused refused) {
                        request.response().setStatusCode(429).end();
                        return;
                      }
                      var connection = request.connection();
                      request
                          .toWebSocket()
                          .onSuccess(
                              ws ->
                                  SessionSocket.serve(
                                      hub, ws, connection, repl, slot, SessionAccess.owner()))
                          .onFailure(err -> slot.release());
                    })
                .listen(0, "127.0.0.1"),
            TestSession.WAIT);
    port = server.actualPort();
  }

  private TestSession connect() throws Exception {
    TestSession session = TestSession.connect(vertx, port, "demo", null);
    closing.add(session);
    return session;
  }

  /** Opens a terminal in {@code session}'s repl. @return its channel */
  private static int openTerminal(TestSession session) throws Exception {
    return session
        .call(new JsonObject().put("op", "term.open").put("cols", 80).put("rows", 24))
        .getInteger("term");
  }

  private static SessionLimits limits(
      int inFlight, int fileThreads, int fileQueue, Duration fileTimeout, long slowReaderBytes) {
    return new SessionLimits(
        100, 10, 8, inFlight, 32L << 20, slowReaderBytes, fileThreads, fileQueue, fileTimeout);
  }

  /** Holds the only thread of the session file pool until the test ends. */
  private void occupyFilePool() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    hub.files()
        .submit(
            () -> {
              started.countDown();
              release.await();
              return null;
            });
    assertTrue(started.await(30, TimeUnit.SECONDS));
  }

  private static JsonObject list() {
    return new JsonObject().put("op", "fs.list").put("path", "");
  }

  @Test
  void aSessionThatFloodsRequestsIsClosedWith4008AndGivesEverythingBack() throws Exception {
    start(limits(8, 1, 100, Duration.ofSeconds(60), 4 << 20));
    occupyFilePool();
    TestSession other = connect();
    TestSession flood = connect();
    for (int i = 0; i < 50; i++) flood.send(list());

    assertEquals(SessionSocket.TOO_MANY_REQUESTS, Mains.await(flood.closed(), TestSession.WAIT));
    assertEquals(1, (int) Math.round(hub.closedTooManyCount()));

    release.countDown();
    await(() -> hub.slots().used() == 1, "the flooding session's slot given back");
    await(() -> hub.requestsInFlight() == 0, "its requests forgotten");
    await(() -> repl.sessionCount() == 1, "it left the repl");
    // The other session was not affected.
    assertTrue(other.call(list()).getBoolean("ok"));
    assertFalse(other.isClosed());
  }

  @Test
  void fileWorkIsAnsweredBusyWhenThePoolIsFullInsteadOfWaiting() throws Exception {
    start(limits(64, 1, 1, Duration.ofSeconds(60), 4 << 20));
    occupyFilePool();
    TestSession first = connect();
    TestSession second = connect();
    var queued = first.send(list());
    await(() -> hub.files().queued() == 1, "the first request queued");

    JsonObject refused = second.call(list());
    assertEquals("busy", refused.getString("error"), refused.encode());
    assertEquals(1, hub.files().rejected());

    release.countDown();
    assertTrue(Mains.await(queued, TestSession.WAIT).getBoolean("ok"));
    assertTrue(second.call(list()).getBoolean("ok"), "busy was for that moment only");
  }

  @Test
  void fileWorkThatHangsIsAnsweredTimeoutAndTheSessionGoesOn() throws Exception {
    start(limits(64, 2, 10, Duration.ofMillis(500), 4 << 20));
    journal = new CountDownLatch(1); // saving hangs, as a write to a stuck disk would
    TestSession session = connect();

    JsonObject stuck =
        session.call(
            new JsonObject().put("op", "fs.write").put("path", "a.txt").put("content", "x"));
    assertEquals("timeout", stuck.getString("error"), stuck.encode());
    assertEquals(1, hub.files().timedOut());
    assertEquals(1, hub.files().abandoned());

    // The next request is served at once on the thread that replaced the stuck one.
    assertTrue(session.call(list()).getBoolean("ok"));
    journal.countDown();
    await(() -> hub.files().abandoned() == 0, "the stuck thread came back");
  }

  @Test
  void aTerminalPausesWhileItsOnlyReaderDoesNotReadAndFlowsAgainWhenItDoes() throws Exception {
    long slowReader = 16 << 20;
    start(limits(64, 2, 10, Duration.ofSeconds(60), slowReader));
    TestSession reader = connect();
    int term = openTerminal(reader);
    FakeTty tty = ttys.get(0);
    tty.pump();
    await(() -> reader.received(term) > 0, "output arrives");

    reader.stopReading();
    await(() -> hub.pausedStreams() == 1, "the terminal paused");
    assertTrue(hub.outputBacklog() <= slowReader, "backlog " + hub.outputBacklog());
    assertFalse(reader.isClosed(), "the only reader is waited for, not dropped");
    assertEquals(0, (int) Math.round(hub.closedSlowReaderCount()));
    await(tty.blocked::get, "the runtime's reading thread waits");
    long pumpedWhilePaused = tty.pumped.get();

    reader.resumeReading();
    await(() -> tty.pumped.get() > pumpedWhilePaused + (1 << 20), "the terminal flows again");
    tty.stop();
    await(() -> hub.pausedStreams() == 0 && hub.outputBacklog() == 0, "nothing held back");
  }

  @Test
  void aReaderThatStopsReadingIsDroppedWhileTheOtherKeepsGettingTheTerminal() throws Exception {
    long slowReader = 1 << 20;
    start(limits(64, 2, 10, Duration.ofSeconds(60), slowReader));
    TestSession slow = connect();
    TestSession fast = connect();
    int term = openTerminal(slow);
    assertTrue(
        fast.call(new JsonObject().put("op", "term.attach").put("term", term)).getBoolean("ok"));
    FakeTty tty = ttys.get(0);
    slow.stopReading();
    tty.pump();

    await(() -> hub.closedSlowReaderCount() >= 1, "the slow reader dropped");
    assertTrue(hub.slots().used() <= 2);
    long at = fast.received(term);
    await(() -> fast.received(term) > at + slowReader, "the other reader keeps getting output");
    assertFalse(fast.isClosed());
    await(
        () -> hub.slots().used() == 1,
        "the dropped session's slot given back once its connection closed");
    tty.stop();
    // Says which part is held if it fails: output handed to the repl's context, or output beyond a
    // socket's queue.
    await(
        () -> hub.outputBacklog() == 0,
        () ->
            "its backlog forgotten (backlog "
                + hub.outputBacklog()
                + ", in hop "
                + repl.outputInHop()
                + ", paused "
                + hub.pausedStreams()
                + ", fast closed "
                + fast.isClosed()
                + ")");
  }

  @Test
  void terminalInputThatIsNotReadIsDroppedVisiblyNotKept() throws Exception {
    start(limits(64, 2, 10, Duration.ofSeconds(60), 4 << 20));
    TestSession session = connect();
    int term = openTerminal(session);
    ttys.get(0).refuseInput.set(true);
    session.input(term, "ls\r");
    await(
        () -> session.events.stream().anyMatch(e -> "busy".equals(e.getString("error"))),
        "an error event");
    await(() -> hub.requestsInFlight() == 0);
  }

  @Test
  void everySessionOfAReplThatStopsIsClosedAndCountedOut() throws Exception {
    start(limits(64, 2, 10, Duration.ofSeconds(60), 4 << 20));
    TestSession one = connect();
    TestSession two = connect();
    assertEquals(2, hub.slots().used());
    Mains.await(onContext(repl::close), TestSession.WAIT);
    assertEquals(SessionSocket.REPL_STOPPED, Mains.await(one.closed(), TestSession.WAIT));
    assertEquals(SessionSocket.REPL_STOPPED, Mains.await(two.closed(), TestSession.WAIT));
    await(() -> hub.slots().used() == 0, "slots given back");
    // A session that arrives as its repl stops is closed too, not left connected to nothing.
    TestSession late = TestSession.connect(vertx, port, "demo", null, false);
    closing.add(late);
    assertEquals(SessionSocket.REPL_STOPPED, Mains.await(late.closed(), TestSession.WAIT));
    await(() -> hub.slots().used() == 0 && repl.sessionCount() == 0);
  }

  @Test
  void aClientThatVanishesGivesItsSlotBack() throws Exception {
    start(limits(64, 2, 10, Duration.ofSeconds(60), 4 << 20));
    TestSession session = connect();
    openTerminal(session);
    assertEquals(1, hub.slots().used());
    session.close();
    await(
        () -> hub.slots().used() == 0 && repl.sessionCount() == 0,
        "slot and membership given back");
  }

  @Test
  void aFullReplayReachesAClientWithCommonFrameLimitsInMessagesOfAtMost32KiB() throws Exception {
    start(limits(64, 2, 10, Duration.ofSeconds(60), 4 << 20));
    TestSession first = connect();
    int term = openTerminal(first);
    byte[] output = new byte[100 * 1024];
    Arrays.fill(output, (byte) 'x');
    ttys.get(0).listener.output(output);
    await(() -> first.received(term) == output.length, "the first session got all the output");

    // Vert.x's client as it comes (frames up to 64 KiB), as many WebSocket clients are: the held 64
    // KiB in one
    // message would be one byte past that, and the client would close.
    ClientWebSocket plain = vertx.createWebSocketClient().webSocket();
    List<Integer> messages = new CopyOnWriteArrayList<>();
    AtomicBoolean closed = new AtomicBoolean();
    plain.binaryMessageHandler(m -> messages.add(m.length()));
    plain.closeHandler(v -> closed.set(true));
    Mains.await(
        plain.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/api/repls/demo/session")),
        TestSession.WAIT);
    plain.writeTextMessage(
        new JsonObject().put("id", 1).put("op", "term.attach").put("term", term).encode());
    await(
        () -> messages.stream().mapToInt(n -> n - 1).sum() >= 64 * 1024 || closed.get(),
        "the replay");
    assertFalse(closed.get(), "the client closed on the replay");
    assertTrue(
        messages.stream().allMatch(n -> n <= SessionSocket.MAX_OUTPUT_MESSAGE + 1),
        "message sizes " + messages);
    plain.close();
  }

  /** A terminal process that prints as fast as it is let, like {@code yes}. */
  private static final class FakeTty implements TtyProcess {
    final TtyProcess.Listener listener;
    final AtomicLong pumped = new AtomicLong();
    final AtomicBoolean blocked = new AtomicBoolean();
    final AtomicBoolean refuseInput = new AtomicBoolean();
    private volatile Thread pump;

    FakeTty(TtyProcess.Listener listener) {
      this.listener = listener;
    }

    void pump() {
      byte[] chunk = new byte[8192];
      Arrays.fill(chunk, (byte) 'y');
      pump =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  blocked.set(true);
                  listener.output(chunk.clone());
                  blocked.set(false);
                  pumped.addAndGet(chunk.length);
                }
              },
              "fake-tty");
      pump.setDaemon(true);
      pump.start();
    }

    void stop() throws InterruptedException {
      Thread t = pump;
      if (t != null) {
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(30));
        // What is awaited after a stop presumes no more output comes: a pump still running would
        // fail it wrongly.
        assertFalse(t.isAlive(), "the fake terminal stopped printing");
      }
    }

    @Override
    public boolean write(byte[] input) {
      return !refuseInput.get();
    }

    @Override
    public void resize(int cols, int rows) {}

    @Override
    public void close() {
      Thread t = pump;
      if (t != null) t.interrupt();
    }
  }
}
