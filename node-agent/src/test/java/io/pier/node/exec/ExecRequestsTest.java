package io.pier.node.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecRequestsTest {
  private final ExecRequests requests = new ExecRequests(ExecLimits.defaults());

  @Test
  void aBareCommandRunsInTheWorkspaceWithTheDefaultTimeout() {
    ExecRequest r = requests.parse(new JsonObject().put("cmd", new JsonArray().add("true")));
    assertEquals(List.of("true"), r.cmd());
    assertEquals("/workspace", r.cwd());
    assertEquals(Map.of(), r.env());
    assertEquals(Duration.ofSeconds(60), r.timeout());
    assertEquals(null, r.stdin());
    assertEquals(false, r.background());
  }

  @Test
  void everyFieldIsRead() {
    ExecRequest r =
        requests.parse(
            new JsonObject()
                .put("cmd", new JsonArray().add("npm").add("test"))
                .put("cwd", "app")
                .put("env", new JsonObject().put("CI", "1"))
                .put("timeoutS", 600)
                .put("stdin", "yes\n")
                .put("background", true));
    assertEquals("/workspace/app", r.cwd());
    assertEquals(Map.of("CI", "1"), r.env());
    assertEquals(Duration.ofSeconds(600), r.timeout());
    assertArrayEquals("yes\n".getBytes(StandardCharsets.UTF_8), r.stdin());
    assertTrue(r.background());
    assertEquals("/tmp", requests.parse(cmd("true").put("cwd", "/tmp")).cwd());
  }

  @Test
  void aBackgroundProcessGetsTheLongDefaultTimeout() {
    assertEquals(
        Duration.ofSeconds(3600), requests.parse(cmd("sleep").put("background", true)).timeout());
  }

  @Test
  void badInputIsRefusedNamingTheField() {
    refused(new JsonObject(), "cmd");
    refused(new JsonObject().put("cmd", new JsonArray()), "cmd");
    refused(new JsonObject().put("cmd", "ls -l"), "cmd");
    refused(new JsonObject().put("cmd", new JsonArray().add(1)), "cmd");
    refused(new JsonObject().put("cmd", new JsonArray().add("a\0b")), "cmd");
    refused(new JsonObject().put("cmd", new JsonArray(Collections.nCopies(257, "x"))), "cmd");
    refused(new JsonObject().put("cmd", new JsonArray().add("x".repeat(70_000))), "cmd");
    refused(cmd("true").put("cwd", ""), "cwd");
    refused(cmd("true").put("env", "A=1"), "env");
    refused(cmd("true").put("env", new JsonObject().put("1A", "x")), "env");
    refused(cmd("true").put("env", new JsonObject().put("PIER_EXEC_STDIN", "x")), "env");
    refused(cmd("true").put("env", new JsonObject().put("A", 1)), "env");
    refused(cmd("true").put("timeoutS", 0), "timeoutS");
    refused(cmd("true").put("timeoutS", 3601), "timeoutS");
    refused(cmd("true").put("timeoutS", "10"), "timeoutS");
    refused(cmd("true").put("stdin", "x".repeat(70_000)), "stdin");
    refused(cmd("true").put("background", "yes"), "background");
    refused(cmd("true").put("shell", true), "shell");
  }

  @Test
  void aBodyThatIsNoObjectIsRefused() {
    ApiException e =
        assertThrows(ApiException.class, () -> requests.parse(Buffer.buffer("[\"ls\"]")));
    assertEquals(400, e.status());
    assertThrows(ApiException.class, () -> requests.parse(Buffer.buffer("")));
  }

  private static JsonObject cmd(String program) {
    return new JsonObject().put("cmd", new JsonArray().add(program));
  }

  private void refused(JsonObject body, String field) {
    ApiException e = assertThrows(ApiException.class, () -> requests.parse(body));
    assertEquals(400, e.status());
    assertEquals("invalid_request", e.code());
    assertTrue(e.getMessage().contains(field), e.getMessage());
  }
}
