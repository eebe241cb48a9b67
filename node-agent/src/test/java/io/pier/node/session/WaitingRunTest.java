package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.runtime.TtyProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A shell waiting for a run, over a terminal that records what it is sent. */
class WaitingRunTest {
  private final Terminal terminal = new Terminal();
  private final AtomicInteger endedUnused = new AtomicInteger();
  private final WaitingRun shell = new WaitingRun(endedUnused::incrementAndGet);
  private final Run run = new Run();

  WaitingRunTest() {
    shell.started(terminal);
  }

  @Test
  void aReadyShellIsSentTheLineAndItsOutputAndEndAreTheRunsFromThen() {
    shell.output("pier-run-".getBytes(StandardCharsets.US_ASCII));
    shell.output("ready\r\n".getBytes(StandardCharsets.US_ASCII));

    assertTrue(shell.run(Map.of("A", "1"), "true", run).isPresent());
    shell.output("hello".getBytes(StandardCharsets.US_ASCII));
    shell.exited(3);

    assertEquals(RunScript.line(Map.of("A", "1"), "true").orElseThrow(), terminal.sent());
    assertEquals("hello", run.output.toString(StandardCharsets.US_ASCII), "only what came after");
    assertEquals(List.of(3), run.exits);
    assertEquals(0, endedUnused.get());
  }

  @Test
  void aShellIsUsedOnceOnly() {
    shell.output(RunScript.READY.getBytes(StandardCharsets.US_ASCII));
    assertTrue(shell.run(Map.of(), "true", run).isPresent());
    assertFalse(shell.run(Map.of(), "false", new Run()).isPresent());
  }

  @Test
  void aRunWaitsForAShellThatIsAboutToBeReady() throws Exception {
    CompletableFuture<Boolean> started = new CompletableFuture<>();
    Thread runner =
        new Thread(() -> started.complete(shell.run(Map.of(), "true", run).isPresent()));
    runner.start();
    while (runner.getState() != Thread.State.TIMED_WAITING) {
      assertFalse(started.isDone(), "it waits rather than giving up at once");
      Thread.onSpinWait();
    }
    shell.output(RunScript.READY.getBytes(StandardCharsets.US_ASCII));
    assertTrue(started.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aShellThatEndedOrCannotWaitIsNotUsedAndItsEndIsReported() {
    shell.exited(0);
    assertFalse(shell.run(Map.of(), "true", run).isPresent(), "no wait: it said it ended");
    assertEquals(1, endedUnused.get());
    assertEquals(List.of(), run.exits);
  }

  @Test
  void aVariableNoShellCanExportLeavesTheShellToBeDismissed() {
    shell.output(RunScript.READY.getBytes(StandardCharsets.US_ASCII));
    assertFalse(shell.run(Map.of("NOT-A-NAME", "1"), "true", run).isPresent());
    shell.dismiss();
    assertEquals("\n", terminal.sent(), "an empty line ends it");
    assertTrue(terminal.closed);
  }

  private static final class Terminal implements TtyProcess {
    private final ByteArrayOutputStream input = new ByteArrayOutputStream();
    private boolean closed;

    String sent() {
      return input.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public boolean write(byte[] bytes) {
      input.writeBytes(bytes);
      return true;
    }

    @Override
    public void resize(int cols, int rows) {}

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class Run implements TtyProcess.Listener {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final List<Integer> exits = new ArrayList<>();

    @Override
    public void output(byte[] data) {
      output.writeBytes(data);
    }

    @Override
    public void exited(int code) {
      exits.add(code);
    }
  }
}
