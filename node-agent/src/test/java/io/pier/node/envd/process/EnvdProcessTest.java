package io.pier.node.envd.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.envd.connect.ConnectException;
import io.pier.node.envd.connect.MessageSink;
import io.pier.node.envd.process.ProcessEvents.Output;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EnvdProcessTest {
  private final List<String> signals = new ArrayList<>();
  private final AtomicLong droppedEarly = new AtomicLong();

  @Test
  void startsStreamGetsTheStartEventThenOutputThenTheEnd() {
    EnvdProcess process = process();
    RecordingSink start = new RecordingSink();
    process.followFromStart(start);
    assertTrue(start.messages.isEmpty(), "nothing before the pid is known");
    process.output(Output.STDOUT, bytes("4242\nhello\n"));
    process.output(Output.STDERR, bytes("oops\n"));
    process.exited(3);
    assertEquals(
        4242,
        start.messages.get(0).getJsonObject("event").getJsonObject("start").getInteger("pid"));
    assertEquals("hello\n", data(start.messages.get(1), "stdout"));
    assertEquals("oops\n", data(start.messages.get(2), "stderr"));
    JsonObject end = start.messages.get(3).getJsonObject("event").getJsonObject("end");
    assertEquals(3, end.getInteger("exitCode"));
    assertTrue(end.getBoolean("exited"));
    assertEquals("exit status 3", end.getString("status"));
    assertTrue(start.ended);
    assertTrue(process.done().succeeded());
  }

  @Test
  void errorOutputThatOvertakesThePidOnItsOwnPipeIsHeldForTheStartStream() {
    // stdout and stderr are two pipes: the engine may relay the command's first error line
    // before the launch script's pid line (E2bSdkIT's quickstart lost "oops" this way).
    EnvdProcess process = process();
    RecordingSink start = new RecordingSink();
    process.followFromStart(start);
    process.output(Output.STDERR, bytes("oops\n"));
    assertTrue(start.messages.isEmpty(), "nothing before the start event");
    process.output(Output.STDOUT, bytes("4242\n"));
    process.exited(3);
    assertEquals(
        4242,
        start.messages.get(0).getJsonObject("event").getJsonObject("start").getInteger("pid"));
    assertEquals("oops\n", data(start.messages.get(1), "stderr"));
    assertEquals(
        3,
        start.messages.get(2).getJsonObject("event").getJsonObject("end").getInteger("exitCode"));
  }

  @Test
  void errorOutputBeforeThePidBeyondItsBoundIsDroppedAndCounted() {
    EnvdProcess process = process();
    RecordingSink start = new RecordingSink();
    process.followFromStart(start);
    process.output(Output.STDERR, new byte[EnvdProcess.MAX_EARLY_BYTES - 1]);
    process.output(Output.STDERR, bytes("xy"));
    process.output(Output.STDERR, bytes("z"));
    process.output(Output.STDOUT, bytes("7\n"));
    assertEquals(2, droppedEarly.get());
    assertEquals(3, start.messages.size(), "the start event and the two chunks that fit");
    assertEquals("z", data(start.messages.get(2), "stderr"));
  }

  @Test
  void aConnectFollowsFromNowAndAnEndedProcessCannotBeFollowed() {
    EnvdProcess process = process();
    process.followFromStart(new RecordingSink());
    process.output(Output.STDOUT, bytes("7\nbefore\n"));
    RecordingSink attached = new RecordingSink();
    assertTrue(process.follow(attached));
    process.output(Output.STDOUT, bytes("after\n"));
    assertEquals(
        7,
        attached.messages.get(0).getJsonObject("event").getJsonObject("start").getInteger("pid"));
    assertEquals("after\n", data(attached.messages.get(1), "stdout"));
    process.exited(0);
    assertFalse(process.follow(new RecordingSink()));
  }

  @Test
  void aSignalBeforeThePidIsKnownIsSentOnceItIsAndTheEndSaysKilled() {
    EnvdProcess process = process();
    RecordingSink start = new RecordingSink();
    process.followFromStart(start);
    assertTrue(process.signal("KILL"));
    assertTrue(signals.isEmpty());
    process.output(Output.STDOUT, bytes("99\n"));
    assertEquals(List.of("99 KILL"), signals);
    process.exited(137);
    JsonObject end = start.messages.get(1).getJsonObject("event").getJsonObject("end");
    assertEquals(-1, end.getInteger("exitCode"));
    assertFalse(end.getBoolean("exited"));
    assertEquals("signal: killed", end.getString("status"));
    assertFalse(process.signal("KILL"), "an ended process takes no signal");
  }

  @Test
  void aProcessThatCouldNotStartFailsItsStartStream() {
    EnvdProcess process = process();
    RecordingSink start = new RecordingSink();
    process.followFromStart(start);
    process.failed("the sandbox could not start the command");
    assertTrue(start.failed != null && start.messages.isEmpty());
  }

  private EnvdProcess process() {
    ProcessRequests.StartSpec spec =
        new ProcessRequests.StartSpec(
            "/bin/bash", List.of("-c", "x"), Map.of(), null, null, false, null);
    return new EnvdProcess(
        "id",
        spec,
        "/workspace",
        (pid, signal) -> signals.add(pid + " " + signal),
        droppedEarly::addAndGet);
  }

  private static String data(JsonObject message, String field) {
    String b64 = message.getJsonObject("event").getJsonObject("data").getString(field);
    return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Takes every message at once. */
  static final class RecordingSink implements MessageSink {
    final List<JsonObject> messages = new ArrayList<>();
    final List<Runnable> closers = new ArrayList<>();
    boolean ended;
    ConnectException failed;

    @Override
    public synchronized Future<Void> send(JsonObject message) {
      messages.add(message);
      return Future.succeededFuture();
    }

    @Override
    public boolean full() {
      return false;
    }

    @Override
    public void end() {
      ended = true;
      closers.forEach(Runnable::run);
    }

    @Override
    public void fail(ConnectException error) {
      failed = error;
      closers.forEach(Runnable::run);
    }

    @Override
    public void onClose(Runnable action) {
      closers.add(action);
    }
  }
}
