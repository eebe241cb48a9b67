package io.pier.node.session;

import io.pier.common.config.Mains;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A bare client of the IDE session protocol for node-agent tests: sends requests, keeps replies and events, counts
 * the bytes of each output channel, and can stop reading (as a browser tab whose machine is stuck would).
 */
public final class TestSession implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final WebSocketClient client;
  private final ClientWebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  public final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicLong> received = new ConcurrentHashMap<>();
  private final Map<Integer, StringBuffer> text = new ConcurrentHashMap<>();
  private final Promise<Short> closed = Promise.promise();

  private TestSession(WebSocketClient client, ClientWebSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.textMessageHandler(
        message -> {
          JsonObject json = new JsonObject(message);
          Object id = json.getValue("id");
          Promise<JsonObject> waiting =
              id instanceof Number n ? pending.remove(n.intValue()) : null;
          if (waiting != null) {
            waiting.complete(json);
          } else {
            events.add(json);
          }
        });
    socket.binaryMessageHandler(
        frame -> {
          int channel = frame.getUnsignedByte(0);
          received.computeIfAbsent(channel, c -> new AtomicLong()).addAndGet(frame.length() - 1L);
          StringBuffer recent = text.computeIfAbsent(channel, c -> new StringBuffer());
          recent.append(frame.getString(1, frame.length()));
          if (recent.length() > 64 * 1024) recent.delete(0, recent.length() - 32 * 1024);
        });
    socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
  }

  /** Connects and waits for the hello event. */
  public static TestSession connect(Vertx vertx, int port, String slug, String token)
      throws Exception {
    return connect(vertx, port, slug, token, true);
  }

  /** Connects, and waits for the hello event if {@code hello}. */
  public static TestSession connect(Vertx vertx, int port, String slug, String token, boolean hello)
      throws Exception {
    WebSocketClient client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxFrameSize(8 << 20).setMaxMessageSize(8 << 20));
    WebSocketConnectOptions options =
        new WebSocketConnectOptions()
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/api/repls/" + slug + "/session");
    if (token != null) options.putHeader("Authorization", "Bearer " + token);
    // Handlers are set before the socket connects: WebSocketClient.connect resumes the socket
    // before its caller's callback runs, so a frame the node sends at once (the hello) could be
    // handed to no handler and lost.
    ClientWebSocket socket = client.webSocket();
    TestSession session = new TestSession(client, socket);
    Mains.await(socket.connect(options), WAIT);
    if (hello)
      await(
          () -> session.events.stream().anyMatch(e -> "hello".equals(e.getString("event"))),
          "hello");
    return session;
  }

  /** Sends a request; the future completes with its reply. */
  public Future<JsonObject> send(JsonObject request) {
    int id = ids.incrementAndGet();
    Promise<JsonObject> reply = Promise.promise();
    pending.put(id, reply);
    socket.writeTextMessage(request.copy().put("id", id).encode()).onFailure(reply::tryFail);
    return reply.future();
  }

  public JsonObject call(JsonObject request) throws Exception {
    return Mains.await(send(request), WAIT);
  }

  public void input(int channel, String keys) {
    byte[] bytes = keys.getBytes(StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) channel).appendBytes(bytes);
    socket.writeBinaryMessage(frame);
  }

  /** Bytes received on {@code channel} so far. */
  public long received(int channel) {
    AtomicLong n = received.get(channel);
    return n == null ? 0 : n.get();
  }

  /** The last bytes received on {@code channel}, as text. */
  public String recent(int channel) {
    StringBuffer recent = text.get(channel);
    return recent == null ? "" : recent.toString();
  }

  /** Stops reading: what the node sends piles up in the network and then in the node. */
  public void stopReading() {
    socket.pause();
  }

  public void resumeReading() {
    socket.resume();
  }

  /** The close code once the socket closed (null if it closed without one). */
  public Future<Short> closed() {
    return closed.future();
  }

  public boolean isClosed() {
    return closed.future().isComplete();
  }

  /** Waits for {@code condition}, checking it again and again: an await, never a fixed sleep. */
  public static void await(BooleanSupplier condition) {
    await(condition, "condition");
  }

  public static void await(BooleanSupplier condition, String what) {
    await(condition, () -> what);
  }

  /** @param what built only on failure, so that it can tell the state the condition was stuck in */
  public static void await(BooleanSupplier condition, Supplier<String> what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline)
        throw new AssertionError(what.get() + " not met within " + WAIT);
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
  }

  @Override
  public void close() {
    socket.close();
    client.close();
  }
}
