package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.SandboxAccessTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * E2B's {@code process.Process} (issue 20) against a real repl container: a Java client speaking Connect's JSON form
 * to the node-agent's {@code /envd/<slug>/...}, as E2B's JS SDK does through the edge.
 */
class EnvdProcessIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final SandboxAccessTokens TOKENS =
      new SandboxAccessTokens(PierOnLoopback.AUTH_SECRET);
  private static PierOnLoopback pier;
  private static String slug;
  private static String token;
  private static String otherReplsToken;

  @BeforeAll
  static void startARepl() throws Exception {
    pier = new PierOnLoopback();
    JsonObject created =
        new JsonObject(api("POST", "/api/repls", "{\"template\":\"node\"}").body());
    slug = created.getString("slug");
    token = TOKENS.issue(slug, Instant.parse(created.getString("createdAt")).toEpochMilli());
    assertEquals(200, api("POST", "/api/repls/" + slug + "/start", "").statusCode());
    // Another repl, created (not started): its real token must not open this one.
    JsonObject other = new JsonObject(api("POST", "/api/repls", "{\"template\":\"node\"}").body());
    otherReplsToken =
        TOKENS.issue(
            other.getString("slug"), Instant.parse(other.getString("createdAt")).toEpochMilli());
  }

  @AfterAll
  static void stop() throws Exception {
    if (pier != null) pier.close();
  }

  @Test
  void theSdksRunStreamsStartThenOutputThenTheExitAsTheReplsUser() throws Exception {
    try (Stream s = start(run("echo hello; echo err >&2; id -u; exit 3"), token)) {
      int pid = s.startPid();
      assertTrue(pid > 1, "pid " + pid);
      Outcome done = s.drain();
      assertEquals("hello\n1000\n", done.stdout, done.toString());
      assertEquals("err\n", done.stderr);
      assertEquals(3, done.end.getInteger("exitCode"));
      assertTrue(done.end.getBoolean("exited"));
      assertEquals(new JsonObject(), done.endOfStream);
    }
  }

  @Test
  void envsAndCwdReachTheCommand() throws Exception {
    JsonObject request = run("pwd; echo \"$GREETING\"");
    request
        .getJsonObject("process")
        .put("cwd", "/tmp")
        .put("envs", new JsonObject().put("GREETING", "hi there"));
    try (Stream s = start(request, token)) {
      s.startPid();
      Outcome done = s.drain();
      assertEquals("/tmp\nhi there\n", done.stdout, done.toString());
    }
  }

  @Test
  void aLongRunningProcessStreamsItsOutputInOrderBeforeItEnds() throws Exception {
    try (Stream s = start(run("for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done"), token)) {
      s.startPid();
      JsonObject first = s.nextEvent();
      assertEquals("line1\n", decode(first.getJsonObject("data").getString("stdout")));
      Outcome done = s.drain();
      assertEquals("line2\nline3\nline4\nline5\n", done.stdout);
      assertEquals(0, done.end.getInteger("exitCode"));
    }
  }

  @Test
  void stdinReachesTheProcessAndClosingItEndsTheProcess() throws Exception {
    JsonObject request = run("cat; echo done").put("stdin", true);
    try (Stream s = start(request, token)) {
      int pid = s.startPid();
      HttpResponse<String> sent =
          unary(
              "SendInput",
              byPid(pid).put("input", new JsonObject().put("stdin", encode("hello stdin\n"))),
              token);
      assertEquals(200, sent.statusCode(), sent.body());
      JsonObject echoed = s.nextEvent();
      assertEquals("hello stdin\n", decode(echoed.getJsonObject("data").getString("stdout")));
      assertEquals(200, unary("CloseStdin", byPid(pid), token).statusCode());
      Outcome done = s.drain();
      assertEquals("done\n", done.stdout);
      assertEquals(0, done.end.getInteger("exitCode"));
    }
  }

  @Test
  void aProcessStartedWithoutStdinTakesNoInput() throws Exception {
    try (Stream s = start(run("sleep 30"), token)) {
      int pid = s.startPid();
      HttpResponse<String> refused =
          unary(
              "SendInput",
              byPid(pid).put("input", new JsonObject().put("stdin", encode("x"))),
              token);
      assertEquals("failed_precondition", new JsonObject(refused.body()).getString("code"));
      unary("SendSignal", byPid(pid).put("signal", "SIGNAL_SIGKILL"), token);
      s.drain();
    }
  }

  @Test
  void sigkillEndsTheProcessGroupAndTheEndSaysKilled() throws Exception {
    try (Stream s = start(run("sleep 301 & sleep 300"), token)) {
      int pid = s.startPid();
      HttpResponse<String> killed =
          unary("SendSignal", byPid(pid).put("signal", "SIGNAL_SIGKILL"), token);
      assertEquals(200, killed.statusCode(), killed.body());
      Outcome done = s.drain();
      assertEquals(-1, done.end.getInteger("exitCode"), done.toString());
      assertEquals("signal: killed", done.end.getString("status"));
    }
    try (Stream ps = start(run("ps -eo args"), token)) {
      ps.startPid();
      String left = ps.drain().stdout;
      assertFalse(left.contains("sleep 30"), left);
    }
    HttpResponse<String> gone =
        unary("SendSignal", byPid(999_999).put("signal", "SIGNAL_SIGKILL"), token);
    assertEquals(404, gone.statusCode());
    assertEquals("not_found", new JsonObject(gone.body()).getString("code"));
  }

  @Test
  void aRunningProcessIsListedAndConnectedToByItsTag() throws Exception {
    JsonObject request =
        run("echo ready; while true; do sleep 0.2; echo tick; done").put("tag", "ticker");
    try (Stream s = start(request, token)) {
      int pid = s.startPid();
      assertEquals("ready\n", decode(s.nextEvent().getJsonObject("data").getString("stdout")));
      HttpResponse<String> listed = unary("List", new JsonObject(), token);
      assertEquals(200, listed.statusCode(), listed.body());
      JsonObject info = null;
      for (Object p : new JsonObject(listed.body()).getJsonArray("processes")) {
        if (((JsonObject) p).getInteger("pid") == pid) info = (JsonObject) p;
      }
      assertNotNull(info, listed.body());
      assertEquals("ticker", info.getString("tag"));
      assertEquals("/bin/bash", info.getJsonObject("config").getString("cmd"));
      try (Stream attached =
          stream(
              "Connect",
              new JsonObject().put("process", new JsonObject().put("tag", "ticker")),
              token)) {
        assertEquals(pid, attached.startPid());
        assertEquals(
            "tick\n", decode(attached.nextEvent().getJsonObject("data").getString("stdout")));
        unary("SendSignal", byPid(pid).put("signal", "SIGNAL_SIGTERM"), token);
        assertEquals("signal: terminated", attached.drain().end.getString("status"));
      }
      assertEquals("signal: terminated", s.drain().end.getString("status"));
    }
  }

  @Test
  void aPtyProcessHasItsTerminalSizeTakesTerminalInputAndIsResized() throws Exception {
    JsonObject request =
        new JsonObject()
            .put(
                "process",
                new JsonObject()
                    .put("cmd", "/bin/bash")
                    .put(
                        "args",
                        new JsonArray(
                            List.of(
                                "-c",
                                "stty size; read line; echo got:$line; read again; stty size")))
                    .put("envs", new JsonObject().put("TERM", "xterm-256color")))
            .put(
                "pty",
                new JsonObject().put("size", new JsonObject().put("cols", 100).put("rows", 30)));
    try (Stream s = start(request, token)) {
      int pid = s.startPid();
      s.assertPtyShows("30 100");
      JsonObject input = new JsonObject().put("pty", encode("hello\n"));
      assertEquals(200, unary("SendInput", byPid(pid).put("input", input), token).statusCode());
      s.assertPtyShows("got:hello");
      JsonObject size =
          new JsonObject().put("size", new JsonObject().put("cols", 90).put("rows", 20));
      HttpResponse<String> resized = unary("Update", byPid(pid).put("pty", size), token);
      assertEquals(200, resized.statusCode(), resized.body());
      unary("SendInput", byPid(pid).put("input", new JsonObject().put("pty", encode("\n"))), token);
      s.assertPtyShows("20 90");
    }
  }

  @Test
  void aMissingWrongOrOtherReplsTokenIsRefusedAsUnauthenticated() throws Exception {
    for (String presented : new String[] {null, "not-the-token", otherReplsToken}) {
      HttpResponse<String> refused = unary("List", new JsonObject(), presented);
      assertEquals(401, refused.statusCode(), refused.body());
      assertEquals("unauthenticated", new JsonObject(refused.body()).getString("code"));
      try (Stream s = start(run("id"), presented)) {
        assertEquals(401, s.status);
      }
    }
  }

  @Test
  void rootIsRefusedAndNeverRunsAsRoot() throws Exception {
    HttpRequest request =
        connect("process.Process/List", "application/json", "{}".getBytes(), token)
            .header(
                "Authorization", "Basic " + Base64.getEncoder().encodeToString("root:".getBytes()))
            .build();
    HttpResponse<String> refused = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(403, refused.statusCode(), refused.body());
    assertEquals("permission_denied", new JsonObject(refused.body()).getString("code"));
  }

  @Test
  void clientStreamingInputIsUnimplementedAndHealthAnswers204() throws Exception {
    HttpResponse<String> answer = unary("StreamInput", new JsonObject(), token);
    assertEquals("unimplemented", new JsonObject(answer.body()).getString("code"));
    HttpResponse<String> health =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(envd("health"))).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(204, health.statusCode());
  }

  // --- a small Connect client

  /** What commands.run(cmd) sends (e2b js-sdk). */
  private static JsonObject run(String cmd) {
    return new JsonObject()
        .put(
            "process",
            new JsonObject()
                .put("cmd", "/bin/bash")
                .put("args", new JsonArray(List.of("-l", "-c", cmd))))
        .put("stdin", false);
  }

  private static JsonObject byPid(int pid) {
    return new JsonObject().put("process", new JsonObject().put("pid", pid));
  }

  private static String envd(String path) {
    return "http://127.0.0.1:" + pier.nodePort + "/envd/" + slug + "/" + path;
  }

  private static HttpRequest.Builder connect(String path, String type, byte[] body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(envd(path)))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", type)
            .header("Connect-Protocol-Version", "1")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (token != null) request.header("X-Access-Token", token);
    return request;
  }

  private static HttpResponse<String> unary(String method, JsonObject message, String token)
      throws Exception {
    return HTTP.send(
        connect(
                "process.Process/" + method,
                "application/json",
                message.encode().getBytes(StandardCharsets.UTF_8),
                token)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Stream start(JsonObject request, String token) throws Exception {
    return stream("Start", request, token);
  }

  private static Stream stream(String method, JsonObject message, String token) throws Exception {
    byte[] json = message.encode().getBytes(StandardCharsets.UTF_8);
    byte[] envelope =
        ByteBuffer.allocate(5 + json.length).put((byte) 0).putInt(json.length).put(json).array();
    HttpResponse<InputStream> response =
        HTTP.send(
            connect("process.Process/" + method, "application/connect+json", envelope, token)
                .header("Connect-Timeout-Ms", "90000")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    return new Stream(response);
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** How a streamed process ended: its output, its end event, the end-of-stream message. */
  record Outcome(String stdout, String stderr, JsonObject end, JsonObject endOfStream) {}

  /** A server-streaming answer, envelope by envelope. */
  static final class Stream implements AutoCloseable {
    final int status;
    private final DataInputStream in;

    Stream(HttpResponse<InputStream> response) {
      this.status = response.statusCode();
      this.in = new DataInputStream(response.body());
    }

    /** The next envelope: {flags, JSON}; null at the end of the body. */
    Object[] next() throws Exception {
      int flags;
      try {
        flags = in.readUnsignedByte();
      } catch (EOFException e) {
        return null;
      }
      byte[] payload = new byte[in.readInt()];
      in.readFully(payload);
      return new Object[] {flags, new JsonObject(new String(payload, StandardCharsets.UTF_8))};
    }

    /** The next process event, skipping keep-alives. */
    JsonObject nextEvent() throws Exception {
      while (true) {
        Object[] envelope = next();
        assertNotNull(envelope, "the stream ended early");
        JsonObject message = (JsonObject) envelope[1];
        assertEquals(0, envelope[0], "an event, not the end: " + message.encode());
        JsonObject event = message.getJsonObject("event");
        if (!event.containsKey("keepalive")) return event;
      }
    }

    int startPid() throws Exception {
      assertEquals(200, status);
      JsonObject event = nextEvent();
      assertTrue(event.containsKey("start"), event.encode());
      return event.getJsonObject("start").getInteger("pid");
    }

    /** Terminal output until it holds {@code wanted} (or the process ends). */
    String ptyUntil(String wanted) throws Exception {
      StringBuilder seen = new StringBuilder();
      while (!seen.toString().contains(wanted)) {
        JsonObject event = nextEvent();
        if (event.containsKey("end")) break;
        JsonObject data = event.getJsonObject("data");
        if (data != null && data.containsKey("pty")) seen.append(decode(data.getString("pty")));
      }
      return seen.toString();
    }

    /** Reads the terminal's output until it shows {@code wanted}; fails with what it showed if it ends first. */
    void assertPtyShows(String wanted) throws Exception {
      String seen = ptyUntil(wanted);
      assertTrue(
          seen.contains(wanted), "the terminal showed " + JsonObject.of("seen", seen).encode());
    }

    /** Everything to the end. */
    Outcome drain() throws Exception {
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      JsonObject end = null;
      for (Object[] envelope = next(); envelope != null; envelope = next()) {
        JsonObject message = (JsonObject) envelope[1];
        if ((int) envelope[0] == 2)
          return new Outcome(out.toString(), err.toString(), end, message);
        JsonObject event = message.getJsonObject("event");
        if (event.containsKey("data")) {
          JsonObject data = event.getJsonObject("data");
          if (data.containsKey("stdout")) out.append(decode(data.getString("stdout")));
          if (data.containsKey("stderr")) err.append(decode(data.getString("stderr")));
        } else if (event.containsKey("end")) {
          end = event.getJsonObject("end");
        }
      }
      throw new AssertionError("no end of stream; got " + out + " / " + err);
    }

    @Override
    public void close() throws Exception {
      in.close();
    }
  }

  private static HttpResponse<String> api(String method, String path, String json)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
            .timeout(Duration.ofSeconds(90))
            .header("Host", PierOnLoopback.DOMAIN)
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + pier.userToken)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
