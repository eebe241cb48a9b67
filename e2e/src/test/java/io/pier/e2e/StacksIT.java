package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pier.common.config.Mains;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every stack out of the box, through the edge-proxy as a user gets it: each template is created, started and
 * checked (a web app's preview answers with its greeting; a console program's output reaches the run pane), then
 * stopped and deleted. Templates run one after another on one Pier; the create-to-first-byte time of each is
 * printed. Needs the runner images ({@code images/build.sh}).
 */
class StacksIT {
  private static final String APEX = PierOnLoopback.DOMAIN;

  /** npm install and a first compile take time: the start waits up to 30 s for the app, the test up to 120 s. */
  private static final Duration FIRST_ANSWER = Duration.ofSeconds(120);

  private static final Map<String, String> TIMES = new ConcurrentHashMap<>();
  private static PierOnLoopback pier;
  private static Vertx vertx;
  private static HttpClient http;

  @BeforeAll
  static void startPier() throws Exception {
    pier = new PierOnLoopback();
    vertx = Vertx.vertx();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopPier() throws Exception {
    System.out.println("StacksIT: create to first byte (start call) per template:");
    TIMES.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> System.out.printf("  %-14s %s%n", e.getKey(), e.getValue()));
    try {
      if (vertx != null) Mains.await(vertx.close(), Duration.ofSeconds(10));
    } finally {
      if (pier != null) pier.close();
    }
  }

  /** Template, the file the IDE opens first, its greeting, and for a web app the path that shows the greeting. */
  static Stream<Arguments> stacks() {
    return Stream.of(
        Arguments.of("node", "index.js", "Hello from Pier on Node.js", "/"),
        Arguments.of("node-express", "index.js", "Hello from Pier on Express", "/"),
        // React renders in the browser: the greeting is in the module Vite compiles (the page
        // itself is checked too).
        Arguments.of("react-vite", "src/App.jsx", "Hello from Pier on React", "/src/App.jsx"),
        Arguments.of("python-flask", "main.py", "Hello from Pier on Python Flask", "/"),
        Arguments.of("python", "main.py", "Hello from Pier on Python", null),
        Arguments.of("cpp", "main.cpp", "Hello from Pier on C++", null),
        Arguments.of("go", "main.go", "Hello from Pier on Go", "/"),
        Arguments.of("java", "Main.java", "Hello from Pier on Java", "/"),
        Arguments.of("static", "index.html", "Hello from Pier on HTML", "/"));
  }

  @Test
  void everyTemplateIsOfferedWithItsMode() throws Exception {
    JsonArray templates =
        new JsonObject(EdgeApi.send(pier, "GET", "/api/templates", null).body())
            .getJsonArray("templates");
    List<String> names = templates.stream().map(t -> ((JsonObject) t).getString("name")).toList();
    for (Arguments stack : stacks().toList()) {
      String name = (String) stack.get()[0];
      assertTrue(names.contains(name), name + " is not offered: " + names);
      JsonObject manifest =
          templates.stream()
              .map(JsonObject.class::cast)
              .filter(t -> t.getString("name").equals(name))
              .findFirst()
              .orElseThrow();
      boolean console = stack.get()[3] == null;
      assertEquals(console ? "console" : "web", manifest.getString("mode"), manifest.encode());
      assertEquals(stack.get()[1], manifest.getString("open"), manifest.encode());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void runsOutOfTheBox(String template, String open, String greeting, String path)
      throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> created =
        EdgeApi.send(pier, "POST", "/api/repls", "{\"template\":\"" + template + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    String slug = new JsonObject(created.body()).getString("slug");
    try {
      HttpResponse<String> started =
          EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/start", "");
      assertEquals(200, started.statusCode(), template + " did not start: " + started.body());
      long startedAt = System.nanoTime();
      String output;
      try (SessionClient session = SessionClient.connect(vertx, pier, slug)) {
        JsonObject hello = session.awaitEvent(e -> "hello".equals(e.getString("event")));
        assertEquals(open, hello.getString("open"));
        if (path == null) {
          // A console program: its output is the point, in the run pane (channel 0); it has no web
          // page.
          session.awaitOutput(0, greeting);
          long firstByte = System.nanoTime();
          HttpResponse<String> preview = get(slug + "." + APEX, "/");
          assertEquals(
              404, preview.statusCode(), "a console program has no preview: " + preview.body());
          assertTrue(preview.body().contains("console program"), preview.body());
          record(template, t0, startedAt, firstByte, "output");
        } else {
          HttpResponse<String> page = awaitPreview(slug, path, greeting, session);
          long firstByte = System.nanoTime();
          assertTrue(page.body().contains(greeting), page.body());
          if (template.equals("react-vite")) checkViteThroughTheEdge(slug);
          record(template, t0, startedAt, firstByte, "page");
        }
        output = session.output(0);
      }
      System.out.println("[" + template + "] run pane:\n" + tail(output, 1200));
      HttpResponse<String> stopped = EdgeApi.send(pier, "POST", "/api/repls/" + slug + "/stop", "");
      assertEquals(200, stopped.statusCode(), stopped.body());
      assertTrue(pier.containersOf(slug).isEmpty(), "container removed on stop");
    } finally {
      HttpResponse<String> deleted = EdgeApi.send(pier, "DELETE", "/api/repls/" + slug, null);
      assertEquals(200, deleted.statusCode(), deleted.body());
    }
    assertTrue(pier.containersOf(slug).isEmpty(), "no container left behind");
  }

  /** The preview through the edge-proxy, asked again until it answers 200 with the greeting. */
  private static HttpResponse<String> awaitPreview(
      String slug, String path, String greeting, SessionClient session) throws Exception {
    long deadline = System.nanoTime() + FIRST_ANSWER.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = get(slug + "." + APEX, path);
        if (last.statusCode() == 200 && last.body().contains(greeting)) return last;
      } catch (IOException notYet) {
        // the app is not listening yet
      }
      Thread.sleep(250);
    }
    return fail(
        "no preview with '"
            + greeting
            + "' at "
            + path
            + " within "
            + FIRST_ANSWER
            + "; last answer: "
            + (last == null ? "none" : last.statusCode() + " " + tail(last.body(), 500))
            + "\nrun pane:\n"
            + tail(session.output(0), 3000));
  }

  /**
   * What hot reload needs from the edge: the page links Vite's client, and Vite's HMR WebSocket, asked for on the
   * preview's own host and port (as the client in the browser does), is upgraded and says it is connected.
   */
  private static void checkViteThroughTheEdge(String slug) throws Exception {
    String host = slug + "." + APEX;
    HttpResponse<String> page = get(host, "/");
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(
        page.body().contains("/@vite/client") && page.body().contains("/src/main.jsx"),
        page.body());
    HttpResponse<String> client = get(host, "/@vite/client");
    assertEquals(200, client.statusCode());
    Matcher token = Pattern.compile("wsToken\\s*=\\s*\"([^\"]+)\"").matcher(client.body());
    assertTrue(token.find(), "no HMR token in Vite's client");
    Promise<String> first = Promise.promise();
    // Held until the end: a client that is garbage collected closes its sockets.
    WebSocketClient hmrClient = vertx.createWebSocketClient(new WebSocketClientOptions());
    // Set before connecting: Vite greets at once, and WebSocketClient.connect resumes the socket
    // before a handler set in its callback would be in place.
    ClientWebSocket ws = hmrClient.webSocket();
    ws.textMessageHandler(first::tryComplete);
    Mains.await(
        ws.connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(pier.edgePort)
                .setURI("/?token=" + token.group(1))
                .putHeader("Host", host)
                .putHeader("Origin", "http://" + host + ":" + pier.edgePort)
                .addSubProtocol("vite-hmr")),
        Duration.ofSeconds(30));
    try {
      String message = Mains.await(first.future(), Duration.ofSeconds(30));
      assertEquals("connected", new JsonObject(message).getString("type"), message);
    } finally {
      Mains.await(ws.close(), Duration.ofSeconds(10));
      Mains.await(hmrClient.close(), Duration.ofSeconds(10));
    }
  }

  private static void record(
      String template, long created, long started, long firstByte, String what) {
    String line =
        String.format(
            "%5.1f s  (start call %4.1f s, then %4.1f s to the %s)",
            seconds(firstByte - created),
            seconds(started - created),
            seconds(firstByte - started),
            what);
    TIMES.put(template, line);
    System.out.println("[" + template + "] create to first byte: " + line);
  }

  private static double seconds(long nanos) {
    return nanos / (double) TimeUnit.SECONDS.toNanos(1);
  }

  private static String tail(String text, int max) {
    return text.length() <= max ? text : "…" + text.substring(text.length() - max);
  }

  private static HttpResponse<String> get(String host, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(30))
            .header("Host", host)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
