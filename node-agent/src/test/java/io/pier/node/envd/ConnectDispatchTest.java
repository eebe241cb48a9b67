package io.pier.node.envd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.ConnectService;
import io.pier.node.envd.connect.EnvdCall;
import io.pier.node.envd.connect.MessageSink;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Connect protocol's JSON form as the router speaks it, against fake services. */
class ConnectDispatchTest {
  private static Vertx vertx;
  private static HttpServer server;
  private static SimpleMeterRegistry metrics;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final CountDownLatch FOREVER_RELEASED = new CountDownLatch(1);

  /** One envelope of a streamed answer. */
  record Envelope(int flags, JsonObject json) {}

  @BeforeAll
  static void serve() throws Exception {
    vertx = Vertx.vertx();
    metrics = new SimpleMeterRegistry();
    ConnectDispatch dispatch =
        new ConnectDispatch(
            vertx, new EnvdLimits(64 * 1024, 100, 64 * 1024), new EnvdMeters(metrics));
    dispatch.register(new FakeService());
    Router router = Router.router(vertx);
    router
        .post("/envd/:slug/:service/:method")
        .handler(BodyHandler.create(false))
        .handler(
            ctx -> {
              EnvdCall call =
                  new EnvdCall(
                      null,
                      "user",
                      EnvdGate.timeout(ctx.request().getHeader(EnvdGate.TIMEOUT_HEADER)),
                      Duration.ZERO);
              Buffer body = ctx.body().buffer();
              dispatch.handle(
                  ctx.request(),
                  body == null ? Buffer.buffer() : body,
                  call,
                  ctx.pathParam("service"),
                  ctx.pathParam("method"));
            });
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aUnaryCallAnswersItsMessageAsJson() throws Exception {
    HttpResponse<String> answer = unary("test.Fake/Echo", "{\"say\":\"hello\"}");
    assertEquals(200, answer.statusCode());
    assertTrue(
        answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertEquals("hello", new JsonObject(answer.body()).getString("say"));
  }

  @Test
  void aUnaryErrorIsItsHttpStatusAndConnectsErrorBody() throws Exception {
    HttpResponse<String> answer = unary("test.Fake/Missing", "{}");
    assertEquals(404, answer.statusCode());
    JsonObject error = new JsonObject(answer.body());
    assertEquals("not_found", error.getString("code"));
    assertEquals("no such thing", error.getString("message"));
  }

  @Test
  void aMethodThatThrowsSomethingElseIsInternalWithoutItsDetails() throws Exception {
    HttpResponse<String> answer = unary("test.Fake/Throw", "{}");
    assertEquals(500, answer.statusCode());
    JsonObject error = new JsonObject(answer.body());
    assertEquals("internal", error.getString("code"));
    assertFalse(answer.body().contains("secret detail"), answer.body());
  }

  @Test
  void anUnknownMethodOrServiceIsUnimplemented() throws Exception {
    for (String path : List.of("test.Fake/Nope", "other.Service/Echo")) {
      HttpResponse<String> answer = unary(path, "{}");
      assertEquals(501, answer.statusCode(), path);
      assertEquals("unimplemented", new JsonObject(answer.body()).getString("code"));
    }
  }

  @Test
  void aBodyThatIsNoJsonObjectIsInvalidArgument() throws Exception {
    HttpResponse<String> answer = unary("test.Fake/Echo", "[1,2");
    assertEquals(400, answer.statusCode());
    assertEquals("invalid_argument", new JsonObject(answer.body()).getString("code"));
  }

  @Test
  void anEmptyUnaryBodyIsTheEmptyMessage() throws Exception {
    HttpResponse<String> answer = unary("test.Fake/Echo", "");
    assertEquals(200, answer.statusCode());
    assertEquals(new JsonObject(), new JsonObject(answer.body()));
  }

  @Test
  void theBinaryFormIsRefusedWith415() throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            post("test.Fake/Echo", "application/proto", new byte[] {1, 2}),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(415, answer.statusCode());
    assertEquals("unimplemented", new JsonObject(answer.body()).getString("code"));
  }

  @Test
  void aUnaryCallPastItsDeadlineIsDeadlineExceeded() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri("test.Fake/Slow"))
            .header("Content-Type", "application/json")
            .header("Connect-Timeout-Ms", "50")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    HttpResponse<String> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(504, answer.statusCode());
    assertEquals("deadline_exceeded", new JsonObject(answer.body()).getString("code"));
  }

  @Test
  void aStreamSendsEachMessageInAnEnvelopeThenTheEndOfStream() throws Exception {
    HttpResponse<byte[]> answer = stream("test.Fake/Count", new JsonObject().put("n", 3));
    assertEquals(200, answer.statusCode());
    assertEquals(
        "application/connect+json", answer.headers().firstValue("Content-Type").orElse(""));
    List<Envelope> envelopes = envelopes(answer.body());
    assertEquals(4, envelopes.size(), envelopes.toString());
    for (int i = 0; i < 3; i++) {
      assertEquals(0, envelopes.get(i).flags());
      assertEquals(i, envelopes.get(i).json().getInteger("i"));
    }
    assertEquals(ConnectEnvelope.END_STREAM, envelopes.get(3).flags());
    assertEquals(new JsonObject(), envelopes.get(3).json());
  }

  @Test
  void aStreamThatFailsCarriesItsErrorInTheEndOfStream() throws Exception {
    HttpResponse<byte[]> answer = stream("test.Fake/Boom", new JsonObject());
    assertEquals(200, answer.statusCode());
    List<Envelope> envelopes = envelopes(answer.body());
    assertEquals(2, envelopes.size());
    JsonObject error = envelopes.get(1).json().getJsonObject("error");
    assertEquals(ConnectEnvelope.END_STREAM, envelopes.get(1).flags());
    assertEquals("failed_precondition", error.getString("code"));
    assertEquals("it broke", error.getString("message"));
  }

  @Test
  void anUnknownStreamingMethodEndsItsStreamWithUnimplemented() throws Exception {
    HttpResponse<byte[]> answer = stream("test.Fake/Nope", new JsonObject());
    List<Envelope> envelopes = envelopes(answer.body());
    assertEquals(1, envelopes.size());
    assertEquals("unimplemented", envelopes.get(0).json().getJsonObject("error").getString("code"));
  }

  @Test
  void aStreamPastItsDeadlineEndsWithDeadlineExceededAndIsReleased() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri("test.Fake/Forever"))
            .header("Content-Type", "application/connect+json")
            .header("Connect-Timeout-Ms", "100")
            .POST(HttpRequest.BodyPublishers.ofByteArray(envelope(0, "{}")))
            .build();
    HttpResponse<byte[]> answer = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    List<Envelope> envelopes = envelopes(answer.body());
    Envelope last = envelopes.get(envelopes.size() - 1);
    assertEquals(ConnectEnvelope.END_STREAM, last.flags());
    assertEquals("deadline_exceeded", last.json().getJsonObject("error").getString("code"));
    assertTrue(FOREVER_RELEASED.await(30, TimeUnit.SECONDS), "the stream's close actions ran");
  }

  @Test
  void aCompressedOrMalformedRequestEnvelopeIsRefused() throws Exception {
    HttpResponse<byte[]> compressed =
        HTTP.send(
            post("test.Fake/Count", "application/connect+json", envelope(1, "{}")),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(
        "unimplemented",
        envelopes(compressed.body()).get(0).json().getJsonObject("error").getString("code"));
    HttpResponse<byte[]> shortBody =
        HTTP.send(
            post("test.Fake/Count", "application/connect+json", new byte[] {0, 0}),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(
        "invalid_argument",
        envelopes(shortBody.body()).get(0).json().getJsonObject("error").getString("code"));
  }

  @Test
  void callsAreCountedByMethodAndCode() throws Exception {
    unary("test.Fake/Missing", "{}");
    double notFound =
        metrics
            .get("pier.envd.calls")
            .tags("service", "test.Fake", "method", "Missing", "code", "not_found")
            .counter()
            .count();
    assertTrue(notFound >= 1, "counted: " + notFound);
  }

  // --- the fake service

  static final class FakeService implements ConnectService {
    @Override
    public String name() {
      return "test.Fake";
    }

    @Override
    public Map<String, Unary> unary() {
      return Map.of(
          "Echo", (call, request) -> Future.succeededFuture(request),
          "Missing",
              (call, request) ->
                  Future.failedFuture(new ConnectException(ConnectCode.NOT_FOUND, "no such thing")),
          "Throw",
              (call, request) -> {
                throw new IllegalStateException("secret detail");
              },
          "Slow", (call, request) -> Promise.<JsonObject>promise().future());
    }

    @Override
    public Map<String, ServerStreaming> serverStreaming() {
      return Map.of(
          "Count",
          (call, request, out) -> {
            for (int i = 0; i < request.getInteger("n", 0); i++)
              out.send(new JsonObject().put("i", i));
            out.end();
          },
          "Boom",
          (call, request, out) -> {
            out.send(new JsonObject().put("first", true));
            out.fail(new ConnectException(ConnectCode.FAILED_PRECONDITION, "it broke"));
          },
          "Forever",
          (ServerStreaming) ConnectDispatchTest::forever);
    }
  }

  private static void forever(EnvdCall call, JsonObject request, MessageSink out) {
    out.onClose(FOREVER_RELEASED::countDown);
  }

  // --- helpers

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/envd/blue-fox-1a2b3c/" + path);
  }

  private static HttpRequest post(String path, String type, byte[] body) {
    return HttpRequest.newBuilder(uri(path))
        .header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  private static HttpResponse<String> unary(String path, String body) throws Exception {
    return HTTP.send(
        post(path, "application/json", body.getBytes(StandardCharsets.UTF_8)),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<byte[]> stream(String path, JsonObject message) throws Exception {
    return HTTP.send(
        post(path, "application/connect+json", envelope(0, message.encode())),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] envelope(int flags, String json) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + payload.length)
        .put((byte) flags)
        .putInt(payload.length)
        .put(payload)
        .array();
  }

  static List<Envelope> envelopes(byte[] body) {
    List<Envelope> all = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(body);
    while (in.remaining() >= 5) {
      int flags = in.get() & 0xff;
      int length = in.getInt();
      byte[] payload = new byte[length];
      in.get(payload);
      all.add(new Envelope(flags, new JsonObject(new String(payload, StandardCharsets.UTF_8))));
    }
    assertEquals(0, in.remaining(), "no bytes after the last envelope");
    return all;
  }
}
