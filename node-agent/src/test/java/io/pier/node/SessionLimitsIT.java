package io.pier.node;

import static io.pier.node.session.TestSession.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.pier.common.node.NodeInfo;
import io.pier.node.limits.SessionLimits;
import io.pier.node.session.SessionSocket;
import io.pier.node.session.TestSession;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bounds of IDE sessions against a real node-agent (HTTP server, auth, limits) running a real repl in dockerd:
 * the per-repl session limit, a request flood, a reader that stops reading a terminal running {@code yes}, and file
 * reads of a FIFO that block. Every test ends with the node's session gauges back at idle.
 */
class SessionLimitsIT {
  private static final String SLUG = "bounds";
  private static final SessionLimits LIMITS =
      new SessionLimits(20, 6, 8, 8, 32L << 20, 1L << 20, 2, 2, Duration.ofMillis(1500));

  private static NodeAgentFixture node;
  private static String token;
  private final List<TestSession> sessions = new ArrayList<>();

  @BeforeAll
  static void startNodeAndRepl() throws Exception {
    node = NodeAgentFixture.start(LIMITS);
    node.startRepl(SLUG);
    token = node.token("admin", true);
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (node != null) node.close();
  }

  @AfterEach
  void everythingGivenBack() {
    sessions.forEach(TestSession::close);
    await(() -> gauge("pier.sessions.slots") == 0, "session slots back to 0");
    await(() -> gauge("pier.sessions.open") == 0, "open sessions back to 0");
    await(() -> gauge("pier.session.requests.in.flight") == 0, "requests in flight back to 0");
    await(() -> gauge("pier.session.output.backlog.bytes") == 0, "output backlog back to 0");
    await(() -> gauge("pier.session.output.paused") == 0, "no stream paused");
    await(
        () ->
            gauge("pier.session.file.pool.active") == 0
                && gauge("pier.session.file.pool.queued") == 0,
        "file pool idle");
  }

  /** What the node's output gauges say now, for a failure's message. */
  private static String flowState() {
    return "paused "
        + gauge("pier.session.output.paused")
        + ", backlog "
        + gauge("pier.session.output.backlog.bytes")
        + " bytes, open sessions "
        + gauge("pier.sessions.open");
  }

  private static double gauge(String name) {
    return node.metrics.get(name).gauges().stream().mapToDouble(g -> g.value()).sum();
  }

  private static double counter(String name, String tag, String value) {
    var found = tag.isEmpty() ? node.metrics.find(name) : node.metrics.find(name).tag(tag, value);
    if (found.counter() != null) return found.counter().count();
    return found.functionCounter() == null ? 0 : found.functionCounter().count();
  }

  private TestSession open() throws Exception {
    TestSession session = TestSession.connect(node.vertx(), node.port(), SLUG, token);
    sessions.add(session);
    return session;
  }

  private HttpResponse<String> upgradeRequest() throws Exception {
    return node.sessionUpgrade(SLUG, token);
  }

  private static JsonObject openTerminal(TestSession session) throws Exception {
    JsonObject reply =
        session.call(new JsonObject().put("op", "term.open").put("cols", 80).put("rows", 24));
    assertTrue(reply.getBoolean("ok"), reply.encode());
    return reply;
  }

  @Test
  void sessionsPastTheReplsLimitAreRefusedAtOnceWith429AndTheLimitNamed() throws Exception {
    for (int i = 0; i < LIMITS.sessionsPerRepl(); i++) open();
    assertEquals(LIMITS.sessionsPerRepl(), gauge("pier.sessions.slots"));

    HttpResponse<String> refused = upgradeRequest();
    assertEquals(429, refused.statusCode());
    JsonObject body = new JsonObject(refused.body());
    assertEquals("too_many_sessions", body.getString("error"));
    assertEquals("repl", body.getString("limit"));
    assertEquals(LIMITS.sessionsPerRepl(), body.getInteger("max"));
    assertEquals(
        String.valueOf(SessionUpgrades.RETRY_AFTER_REPL_S),
        refused.headers().firstValue("Retry-After").orElse(null));
    assertTrue(counter("pier.sessions.refused", "limit", "repl") >= 1);

    // A tab that closes gives its place to the next one.
    sessions.remove(0).close();
    await(() -> gauge("pier.sessions.slots") == LIMITS.sessionsPerRepl() - 1, "a slot given back");
    assertTrue(open().call(new JsonObject().put("op", "fs.list").put("path", "")).getBoolean("ok"));
  }

  @Test
  void aSessionThatFloodsRequestsIsClosedWith4008() throws Exception {
    TestSession bystander = open();
    TestSession flood = open();
    double before = counter("pier.sessions.closed", "reason", "too_many_requests");
    for (int i = 0; i < 500; i++) flood.send(new JsonObject().put("op", "fs.list").put("path", ""));

    assertEquals(SessionSocket.TOO_MANY_REQUESTS, Mains.await(flood.closed(), TestSession.WAIT));
    assertEquals(before + 1, counter("pier.sessions.closed", "reason", "too_many_requests"));
    assertTrue(
        bystander.call(new JsonObject().put("op", "fs.list").put("path", "")).getBoolean("ok"));
  }

  @Test
  void aReaderThatStopsReadingYesIsDroppedWhileTheOtherTabOfTheTerminalKeepsGettingIt()
      throws Exception {
    TestSession stuck = open();
    TestSession reading = open();
    int term = openTerminal(stuck).getInteger("term");
    assertTrue(
        reading.call(new JsonObject().put("op", "term.attach").put("term", term)).getBoolean("ok"));
    double before = counter("pier.sessions.closed", "reason", "slow_reader");

    stuck.stopReading();
    reading.input(term, "yes\r");
    // The node keeps what waits for the stuck tab bounded: its slow-reader limit, what the stream
    // hands over, and
    // what a few chunks in flight add.
    long bound = 2 * LIMITS.slowReaderBytes() + (1 << 20);
    long deadline = System.nanoTime() + TestSession.WAIT.toNanos();
    while (counter("pier.sessions.closed", "reason", "slow_reader") == before) {
      assertTrue(
          gauge("pier.session.output.backlog.bytes") <= bound,
          "backlog " + gauge("pier.session.output.backlog.bytes") + " within " + bound);
      assertTrue(
          System.nanoTime() < deadline, "the stuck tab was not dropped within " + TestSession.WAIT);
      Thread.sleep(5); // sampling the gauge, not waiting for something
    }
    long at = reading.received(term);
    await(
        () -> reading.received(term) > at + (8 << 20),
        () -> "the other tab keeps getting output (" + flowState() + ")");
    assertTrue(gauge("pier.session.output.backlog.bytes") <= bound);
    assertFalse(reading.isClosed());
    await(
        () -> gauge("pier.sessions.slots") == 1,
        "the stuck tab's connection is cut and its slot given back");

    reading.input(term, "\u0003");
    assertTrue(
        reading.call(new JsonObject().put("op", "term.close").put("term", term)).getBoolean("ok"));
  }

  @Test
  void aTerminalWhoseOnlyReaderStopsPausesAndGoesOnWhenItReadsAgain() throws Exception {
    TestSession tab = open();
    int term = openTerminal(tab).getInteger("term");
    tab.stopReading();
    tab.input(term, "yes\r");
    await(() -> gauge("pier.session.output.paused") == 1, "the terminal paused");
    assertTrue(gauge("pier.session.output.backlog.bytes") <= LIMITS.slowReaderBytes());
    assertFalse(tab.isClosed());
    long at = tab.received(term);
    tab.resumeReading();
    await(
        () -> tab.received(term) > at + (8 << 20),
        () -> "output goes on once the tab reads (" + flowState() + ")");
    tab.input(term, "\u0003");
    assertTrue(
        tab.call(new JsonObject().put("op", "term.close").put("term", term)).getBoolean("ok"));
  }

  @Test
  void readsOfAFifoThatBlockStopNeitherOtherSessionsNorHealthNorHeartbeats() throws Exception {
    TestSession shell = open();
    int term = openTerminal(shell).getInteger("term");
    shell.input(term, "mkfifo /workspace/pipe && echo made-$((6*7))\r");
    await(() -> shell.recent(term).contains("made-42"), "the FIFO made");
    Path fifo = node.workspace(SLUG).resolve("pipe");
    assertTrue(Files.exists(fifo));

    List<TestSession> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) readers.add(open());
    List<Future<JsonObject>> reads = new ArrayList<>();
    for (TestSession r : readers)
      reads.add(r.send(new JsonObject().put("op", "fs.read").put("path", "pipe")));

    // While they hang: the node is healthy, heartbeats go on, other sessions are answered.
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/healthz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, health.statusCode());
    Instant seen = heartbeat();
    await(() -> heartbeat().isAfter(seen), "a heartbeat after the reads began");
    shell.input(term, "echo still-$((6*7))\r");
    await(() -> shell.recent(term).contains("still-42"), "the terminal answers");

    // Each read is answered: an error at once (busy, or a refusal of a special file), or timeout at
    // its deadline.
    List<String> errors = new ArrayList<>();
    for (Future<JsonObject> read : reads) {
      JsonObject reply = Mains.await(read, TestSession.WAIT);
      assertFalse(reply.getBoolean("ok"), reply.encode());
      assertNotNull(reply.getString("error"));
      errors.add(reply.getString("error"));
    }
    if (errors.contains("timeout")) {
      // The reads really blocked: each timed out on a thread the pool gave up on, and counted.
      assertTrue(
          counter("pier.session.file.pool.timeouts", "", "")
              >= errors.stream().filter("timeout"::equals).count());
    }
    System.out.println("FIFO reads answered: " + errors);
    // The pool takes work again once its stuck threads are let go (a writer opens the FIFO).
    await(
        () -> {
          try (RandomAccessFile writer = new RandomAccessFile(fifo.toFile(), "rw")) {
            // opening it read-write never blocks, and wakes every reader waiting for a writer
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return gauge("pier.session.file.pool.abandoned") == 0;
        },
        "stuck threads back");
    JsonObject listed = readers.get(0).call(new JsonObject().put("op", "fs.list").put("path", ""));
    assertTrue(listed.getBoolean("ok"), listed.encode());
    assertTrue(
        shell.call(new JsonObject().put("op", "fs.delete").put("path", "pipe")).getBoolean("ok"));
    assertTrue(
        shell.call(new JsonObject().put("op", "term.close").put("term", term)).getBoolean("ok"));
  }

  private static Instant heartbeat() {
    try {
      NodeInfo info = Mains.await(node.cluster().nodes().get(node.nodeId), Duration.ofSeconds(10));
      return info == null ? Instant.EPOCH : info.heartbeatAt();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
