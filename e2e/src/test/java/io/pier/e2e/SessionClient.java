package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** A test client of the IDE session protocol (docs/protocol.md), connected through the edge-proxy. */
final class SessionClient implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * Held for as long as the socket: Vert.x closes a client, and every WebSocket it opened, once the client object is
   * garbage collected, which dropped idle test sessions after half a minute or so.
   */
  private final WebSocketClient client;

  /** Whether closing the session closes the client too (it is the session's own, not shared). */
  private final boolean ownsClient;

  private final ClientWebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final Map<Integer, StringBuffer> channels = new ConcurrentHashMap<>();
  private final Object arrivals = new Object();

  /** The protocol's schema, checked against every text frame the server sends. */
  private static final SessionSchema SCHEMA = SessionSchema.load();

  /** Frames the server sent that do not fit the schema: the session fails when it closes. */
  private final List<String> misfits = new CopyOnWriteArrayList<>();

  private SessionClient(WebSocketClient client, boolean ownsClient, ClientWebSocket socket) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.socket = socket;
    socket.textMessageHandler(
        text -> {
          JsonObject message = new JsonObject(text);
          SCHEMA.problemWithServerMessage(message).ifPresent(misfits::add);
          Object id = message.getValue("id");
          if (id instanceof Number n && pending.containsKey(n.intValue())) {
            pending.remove(n.intValue()).complete(message);
          } else {
            events.add(message);
            signal();
          }
        });
    socket.binaryMessageHandler(
        frame -> {
          channels
              .computeIfAbsent((int) frame.getUnsignedByte(0), c -> new StringBuffer())
              .append(frame.getString(1, frame.length(), StandardCharsets.UTF_8.name()));
          signal();
        });
  }

  private void signal() {
    synchronized (arrivals) {
      arrivals.notifyAll();
    }
  }

  /** Connects as the harness's signed-in user. */
  static SessionClient connect(Vertx vertx, PierOnLoopback pier, String slug) {
    return connect(vertx, pier.edgePort, slug, pier.userToken);
  }

  static SessionClient connect(Vertx vertx, int edgePort, String slug, String token) {
    return connect(vertx, "127.0.0.1", edgePort, slug, token);
  }

  /** Connects to an edge-proxy at {@code edgeHost} (an address of another host, say). */
  static SessionClient connect(
      Vertx vertx, String edgeHost, int edgePort, String slug, String token) {
    return connect(newClient(vertx), true, edgeHost, edgePort, slug, token);
  }

  /**
   * Connects as the harness's signed-in user over a client shared by many sessions, which closing the session leaves
   * open. Loads use it: Vert.x 5.0 keeps every client it ever created reachable, closed or not (vert.x#6268, #6311),
   * so a client per session grows the heap by a few hundred bytes per session for good.
   */
  static SessionClient connect(WebSocketClient shared, PierOnLoopback pier, String slug) {
    return connect(shared, false, "127.0.0.1", pier.edgePort, slug, pier.userToken);
  }

  /**
   * A client for session sockets: frames and messages up to 8 MiB, and as many sockets at once as a load opens (a
   * client's default is 50 per server; a shared one would queue the rest of a load's sessions behind them).
   */
  static WebSocketClient newClient(Vertx vertx) {
    return vertx.createWebSocketClient(
        new WebSocketClientOptions()
            .setMaxFrameSize(8 * 1024 * 1024)
            .setMaxMessageSize(8 * 1024 * 1024)
            .setMaxConnections(100_000));
  }

  private static SessionClient connect(
      WebSocketClient client,
      boolean owned,
      String edgeHost,
      int edgePort,
      String slug,
      String token) {
    // Handlers are set before the socket connects: WebSocketClient.connect resumes the socket
    // before its caller's callback runs, so the hello the node sends at once could be lost.
    SessionClient session = new SessionClient(client, owned, client.webSocket());
    Mains.await(
        session.socket.connect(
            new WebSocketConnectOptions()
                .setHost(edgeHost)
                .setPort(edgePort)
                .setURI("/api/repls/" + slug + "/session")
                .putHeader("Host", PierOnLoopback.DOMAIN)
                // Not a browser page: no Origin (Vert.x would send the address it connects
                // to, not the apex's origin).
                .setAllowOriginHeader(false)
                .putHeader("Authorization", "Bearer " + token)),
        WAIT);
    session.awaitEvent(e -> "hello".equals(e.getString("event")));
    return session;
  }

  /** Sends a request and returns its reply, successful or not. */
  JsonObject request(String op, JsonObject args) {
    int id = ids.incrementAndGet();
    Promise<JsonObject> reply = Promise.promise();
    pending.put(id, reply);
    socket.writeTextMessage(args.copy().put("id", id).put("op", op).encode());
    return Mains.await(reply.future(), WAIT);
  }

  JsonObject request(String op) {
    return request(op, new JsonObject());
  }

  void sendRaw(String text) {
    socket.writeTextMessage(text);
  }

  void sendInput(int channel, String text) {
    socket.writeBinaryMessage(Buffer.buffer().appendByte((byte) channel).appendString(text));
  }

  /** Forgets what the channel printed so far. */
  void clearOutput(int channel) {
    channels.remove(channel);
  }

  String output(int channel) {
    StringBuffer out = channels.get(channel);
    return out == null ? "" : out.toString();
  }

  /** Waits until the channel's output contains {@code text}. */
  String awaitOutput(int channel, String text) {
    return poll(
        () -> output(channel).contains(text) ? output(channel) : null,
        "channel " + channel + " to print '" + text + "'; it printed: ");
  }

  JsonObject awaitEvent(Predicate<JsonObject> matches) {
    return poll(() -> events.stream().filter(matches).findFirst().orElse(null), "an event; got: ");
  }

  private <T> T poll(Supplier<T> probe, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      T found = probe.get();
      if (found != null) return found;
      synchronized (arrivals) {
        try {
          arrivals.wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new AssertionError("timed out waiting for " + what + events + " / " + channels);
  }

  boolean isClosed() {
    return socket.isClosed();
  }

  @Override
  public void close() {
    if (!socket.isClosed()) Mains.await(socket.close(), WAIT);
    if (ownsClient) Mains.await(client.close(), WAIT);
    if (!misfits.isEmpty()) {
      throw new AssertionError(
          "frames that do not fit docs/session-protocol.schema.json:\n"
              + String.join("\n", misfits));
    }
  }

  /** {@code reply}, after checking that it says ok (naming it when not). */
  static JsonObject ok(JsonObject reply) {
    assertTrue(reply.getBoolean("ok", false), reply.encode());
    return reply;
  }
}
