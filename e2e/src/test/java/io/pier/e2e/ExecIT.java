package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The programs' exec (issue 17) end to end: through the edge-proxy to a real node-agent and repl container. */
class ExecIT {
  private static PierOnLoopback pier;
  private static String slug;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startARepl() throws Exception {
    pier = new PierOnLoopback();
    JsonObject created =
        new JsonObject(api("POST", "/api/repls", "{\"template\":\"node\"}").body());
    slug = created.getString("slug");
    assertEquals(200, api("POST", "/api/repls/" + slug + "/start", "").statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    if (pier != null) pier.close();
  }

  @Test
  void aWaitedCommandAnswersItsStdoutStderrAndExitCodeApart() throws Exception {
    JsonObject done = exec(cmd("sh", "-c", "echo out; echo err >&2; exit 3"));
    assertEquals(3, done.getInteger("exitCode"), done.encode());
    assertEquals("out\n", done.getString("stdout"));
    assertEquals("err\n", done.getString("stderr"));
    assertFalse(done.getBoolean("timedOut"));
    assertFalse(done.getBoolean("truncated"));
  }

  @Test
  void theCommandRunsAsTheReplsUserNeverRoot() throws Exception {
    JsonObject done = exec(cmd("id", "-u"));
    assertEquals(0, done.getInteger("exitCode"), done.encode());
    assertNotEquals("0", done.getString("stdout").strip());
    assertEquals("1000", done.getString("stdout").strip());
  }

  @Test
  void cwdEnvAndStdinReachTheCommand() throws Exception {
    assertEquals(0, exec(cmd("mkdir", "-p", "sub/dir")).getInteger("exitCode"));
    JsonObject done =
        exec(
            cmd("sh", "-c", "pwd; echo \"$GREETING\"; cat")
                .put("cwd", "sub/dir")
                .put("env", new JsonObject().put("GREETING", "hello there"))
                .put("stdin", "from stdin\n"));
    assertEquals(0, done.getInteger("exitCode"), done.encode());
    assertEquals("/workspace/sub/dir\nhello there\nfrom stdin\n", done.getString("stdout"));
  }

  @Test
  void theOwnersVariablesReachTheCommandAndTheRequestsGoOverThem() throws Exception {
    for (String name : List.of("OWNER_SECRET", "OWNER_PLAIN")) {
      HttpResponse<String> set =
          api(
              "PUT",
              "/api/repls/" + slug + "/env/" + name,
              new JsonObject().put("value", name.toLowerCase()).encode());
      assertEquals(200, set.statusCode(), set.body());
    }
    JsonObject done =
        exec(
            cmd("sh", "-c", "echo \"$OWNER_SECRET $OWNER_PLAIN\"")
                .put("env", new JsonObject().put("OWNER_PLAIN", "from the request")));
    assertEquals("owner_secret from the request\n", done.getString("stdout"), done.encode());
  }

  @Test
  void aCommandPastItsTimeoutIsKilledWithItsChildren() throws Exception {
    JsonObject done = exec(cmd("sh", "-c", "sleep 101 & sleep 100; echo never").put("timeoutS", 1));
    assertTrue(done.getBoolean("timedOut"), done.encode());
    assertEquals("", done.getString("stdout"));
    String left = exec(cmd("ps", "-eo", "args")).getString("stdout");
    assertFalse(left.contains("sleep 10"), left);
  }

  @Test
  void aStreamedCommandSendsItsOutputAsItComesThenItsExit() throws Exception {
    HttpRequest request =
        request("/api/repls/" + slug + "/exec")
            .header("Accept", "text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    cmd("sh", "-c", "echo first; sleep 1; echo err >&2; exit 7").encode()))
            .build();
    HttpResponse<InputStream> response =
        HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    List<String[]> events = events(response.body());
    List<String> names = events.stream().map(e -> e[0]).toList();
    assertEquals("start", names.get(0), names.toString());
    int out = names.indexOf("stdout");
    int err = names.indexOf("stderr");
    int exit = names.indexOf("exit");
    assertTrue(out > 0 && out < exit && err < exit, names.toString());
    assertEquals("first\n", decoded(events.get(out)[1]));
    assertEquals("err\n", decoded(events.get(err)[1]));
    assertEquals(7, new JsonObject(events.get(exit)[1]).getInteger("exitCode"));
  }

  @Test
  void aStreamedCommandWhoseClientLeavesIsKilled() throws Exception {
    HttpRequest request =
        request("/api/repls/" + slug + "/exec")
            .header("Accept", "text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    cmd("sh", "-c", "echo up; exec sleep 299").encode()))
            .build();
    HttpResponse<InputStream> response =
        HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertEquals("start", nextEvent(reader)[0]);
    assertEquals("stdout", nextEvent(reader)[0]);
    assertTrue(exec(cmd("ps", "-eo", "args")).getString("stdout").contains("sleep 299"));
    reader.close();
    // The edge passes the disconnect on; the node-agent then kills the process group. Each look is
    // an exec.
    String left = "";
    for (int look = 0; look < 100; look++) {
      left = exec(cmd("ps", "-eo", "args")).getString("stdout");
      if (!left.contains("sleep 299")) break;
    }
    assertFalse(left.contains("sleep 299"), left);
  }

  @Test
  void aBackgroundProcessIsListedReadWaitedForAndKilled() throws Exception {
    HttpResponse<String> started =
        api(
            "POST",
            "/api/repls/" + slug + "/exec",
            cmd("sh", "-c", "echo started; sleep 300").put("background", true).encode());
    assertEquals(202, started.statusCode(), started.body());
    JsonObject process = new JsonObject(started.body());
    String id = process.getString("id");
    assertTrue(process.getInteger("pid") > 0, started.body());

    JsonArray listed =
        new JsonObject(api("GET", "/api/repls/" + slug + "/processes", null).body())
            .getJsonArray("processes");
    assertTrue(
        listed.stream()
            .map(JsonObject.class::cast)
            .anyMatch(p -> id.equals(p.getString("id")) && "running".equals(p.getString("state"))),
        listed.encode());

    // Its output, kept then live: the first line is there, the stream goes on until it ends.
    HttpResponse<InputStream> output =
        HTTP.send(
            request("/api/repls/" + slug + "/processes/" + id + "/output").GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, output.statusCode());
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(output.body(), StandardCharsets.UTF_8));
    String[] first = nextEvent(reader);
    assertEquals("stdout", first[0]);
    assertEquals("started\n", decoded(first[1]));

    assertEquals(204, api("DELETE", "/api/repls/" + slug + "/processes/" + id, null).statusCode());
    JsonObject ended =
        new JsonObject(
            api("GET", "/api/repls/" + slug + "/processes/" + id + "?wait=true&timeoutS=60", null)
                .body());
    assertEquals("exited", ended.getString("state"), ended.encode());
    assertTrue(ended.getBoolean("killed"), ended.encode());
    String[] exit = nextEvent(reader);
    assertEquals("exit", exit[0]);
    reader.close();
    String left = exec(cmd("ps", "-eo", "args")).getString("stdout");
    assertFalse(left.contains("sleep 300"), left);
  }

  @Test
  void aBackgroundProcessIsWaitedForItsExitCode() throws Exception {
    JsonObject process =
        new JsonObject(
            api(
                    "POST",
                    "/api/repls/" + slug + "/exec",
                    cmd("sh", "-c", "sleep 1; exit 5").put("background", true).encode())
                .body());
    JsonObject ended =
        new JsonObject(
            api(
                    "GET",
                    "/api/repls/" + slug + "/processes/" + process.getString("id") + "?wait=true",
                    null)
                .body());
    assertEquals("exited", ended.getString("state"), ended.encode());
    assertEquals(5, ended.getInteger("exitCode"));
    assertFalse(ended.getBoolean("killed"));
  }

  @Test
  void badRequestsAreRefusedNamingTheField() throws Exception {
    HttpResponse<String> empty = api("POST", "/api/repls/" + slug + "/exec", "{\"cmd\":[]}");
    assertEquals(400, empty.statusCode());
    assertTrue(new JsonObject(empty.body()).getString("message").contains("cmd"), empty.body());
    HttpResponse<String> timeout =
        api("POST", "/api/repls/" + slug + "/exec", cmd("true").put("timeoutS", 0).encode());
    assertEquals(400, timeout.statusCode());
    assertTrue(timeout.body().contains("timeoutS"), timeout.body());
    assertEquals(404, api("GET", "/api/repls/" + slug + "/processes/nosuch", null).statusCode());
  }

  @Test
  void anotherAccountIsRefused() throws Exception {
    String intruder =
        new TokenSigner(PierOnLoopback.AUTH_SECRET, Clock.systemUTC())
            .issue("intruder", false, Duration.ofHours(1));
    HttpResponse<String> refused =
        HTTP.send(
            request("/api/repls/" + slug + "/exec")
                .setHeader("Authorization", "Bearer " + intruder)
                .POST(HttpRequest.BodyPublishers.ofString(cmd("id").encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, refused.statusCode(), refused.body());
    HttpResponse<String> listing =
        HTTP.send(
            request("/api/repls/" + slug + "/processes")
                .setHeader("Authorization", "Bearer " + intruder)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(403, listing.statusCode());
  }

  // ---

  private static JsonObject cmd(String... argv) {
    return new JsonObject().put("cmd", new JsonArray(List.of((Object[]) argv)));
  }

  private static JsonObject exec(JsonObject body) throws Exception {
    HttpResponse<String> response = api("POST", "/api/repls/" + slug + "/exec", body.encode());
    assertEquals(200, response.statusCode(), response.body());
    return new JsonObject(response.body().strip());
  }

  private static String decoded(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** Every event of a stream, until it ends: {name, data}. */
  private static List<String[]> events(InputStream body) throws Exception {
    List<String[]> events = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      for (String[] e = nextEvent(reader); e != null; e = nextEvent(reader)) events.add(e);
    }
    return events;
  }

  /** The next event (comments skipped); null at the end of the stream. */
  private static String[] nextEvent(BufferedReader reader) throws Exception {
    String name = null;
    String data = null;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.isEmpty()) {
        if (name != null) return new String[] {name, data};
      } else if (line.startsWith("event: ")) {
        name = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data = line.substring(6);
      }
    }
    return null;
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pier.edgePort + path))
        .timeout(Duration.ofSeconds(90))
        .header("Host", PierOnLoopback.DOMAIN)
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + pier.userToken);
  }

  private static HttpResponse<String> api(String method, String path, String json)
      throws Exception {
    HttpRequest.Builder request = request(path);
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
