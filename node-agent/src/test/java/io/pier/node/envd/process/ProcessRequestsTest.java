package io.pier.node.envd.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.exec.ExecLimits;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessRequestsTest {
  private final ProcessRequests requests = new ProcessRequests(ExecLimits.defaults());

  @Test
  void theSdksRunRequestIsReadAsBashLoginCommand() {
    // What commands.run('echo hi', {envs, cwd}) sends (e2b js-sdk, commands/index.ts).
    JsonObject sent =
        new JsonObject(
            "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-l\",\"-c\",\"echo hi\"],"
                + "\"envs\":{\"A\":\"1\"},\"cwd\":\"/tmp\"},\"stdin\":false}");
    ProcessRequests.StartSpec spec = requests.start(sent);
    assertEquals(List.of("/bin/bash", "-l", "-c", "echo hi"), spec.argv());
    assertEquals("1", spec.envs().get("A"));
    assertEquals("/tmp", spec.cwd());
    assertFalse(spec.stdin());
    assertNull(spec.pty());
  }

  @Test
  void aPtyStartCarriesItsSize() {
    JsonObject sent =
        new JsonObject(
            "{\"process\":{\"cmd\":\"/bin/bash\",\"args\":[\"-i\",\"-l\"]},"
                + "\"pty\":{\"size\":{\"cols\":100,\"rows\":30}},\"tag\":\"t\"}");
    ProcessRequests.StartSpec spec = requests.start(sent);
    assertEquals(new ProcessRequests.PtySize(100, 30), spec.pty());
    assertEquals("t", spec.tag());
  }

  @Test
  void badStartsAreInvalidArgumentNamingTheField() {
    for (String bad :
        List.of(
            "{}",
            "{\"process\":{}}",
            "{\"process\":{\"cmd\":\"x\",\"args\":[1]}}",
            "{\"process\":{\"cmd\":\"x\",\"envs\":{\"A=B\":\"1\"}}}",
            "{\"process\":{\"cmd\":\"x\"},\"pty\":{\"size\":{\"cols\":0,\"rows\":5}}}",
            "{\"process\":{\"cmd\":\"x\"},\"stdin\":\"yes\"}")) {
      ConnectException refused =
          assertThrows(ConnectException.class, () -> requests.start(new JsonObject(bad)), bad);
      assertEquals(ConnectCode.INVALID_ARGUMENT, refused.code(), bad);
    }
  }

  @Test
  void selectorsAreByPidOrTag() {
    assertEquals(42, requests.selector(new JsonObject("{\"process\":{\"pid\":42}}")).pid());
    assertEquals(42, requests.selector(new JsonObject("{\"process\":{\"pid\":\"42\"}}")).pid());
    assertEquals("web", requests.selector(new JsonObject("{\"process\":{\"tag\":\"web\"}}")).tag());
    assertThrows(
        ConnectException.class, () -> requests.selector(new JsonObject("{\"process\":{}}")));
  }

  @Test
  void inputAndSignalsAreReadAsTheSdkSendsThem() {
    ProcessRequests.Input input =
        requests.input(new JsonObject("{\"input\":{\"stdin\":\"aGk=\"}}"));
    assertFalse(input.pty());
    assertArrayEquals("hi".getBytes(), input.data());
    assertTrue(requests.input(new JsonObject("{\"input\":{\"pty\":\"aGk\"}}")).pty());
    assertEquals("KILL", requests.signal(new JsonObject("{\"signal\":\"SIGNAL_SIGKILL\"}")));
    assertEquals("TERM", requests.signal(new JsonObject("{\"signal\":15}")));
    assertThrows(
        ConnectException.class, () -> requests.signal(new JsonObject("{\"signal\":\"SIGHUP\"}")));
  }
}
