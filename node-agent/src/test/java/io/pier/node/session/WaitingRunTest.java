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
  private static final String NONCE = "5ecret";
  private final Terminal terminal = new Terminal();
  private final AtomicInteger endedUnused = new AtomicInteger();
  private final WaitingRun shell = new WaitingRun(NONCE);
  private final Run run = new Run();

  WaitingRunTest() {
    assertTrue(shell.started(terminal, endedUnused::incrementAndGet));
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aReadyShellIsSentTheLineAndItsOutputUntilItsExitLineAndThatCodeAreTheRuns() {
    shell.output(ascii("pier-run-"));
    shell.output(ascii("ready\r\n"));

    assertTrue(shell.run(Map.of("A", "1"), "true", run).isPresent());
    shell.output(ascii("hello\033]pier-run-"));
    shell.output(ascii("exit;" + NONCE + ";3\007after"));
    shell.output(ascii("a background job's output"));
    shell.exited(-1);

    assertEquals(RunScript.line(Map.of("A", "1"), "true", NONCE).orElseThrow(), terminal.sent());
    assertEquals("hello", run.output.toString(StandardCharsets.US_ASCII), "only the run's");
    assertEquals(List.of(3), run.exits, "its code, once");
    assertTrue(terminal.closed, "the terminal is let go once the run ended");
    assertEquals(0, endedUnused.get());
  }

  @Test
  void aRunWhoseSandboxStopsEndsWithTheSandboxsCode() {
    shell.output(ascii(RunScript.READY));
    assertTrue(shell.run(Map.of(), "true", run).isPresent());
    shell.output(ascii("partial \033]pier-run-exit;" + NONCE));
    shell.exited(137);
    assertEquals(List.of(137), run.exits);
    assertEquals("partial ", run.output.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void aShellIsUsedOnceOnly() {
    shell.output(ascii(RunScript.READY));
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
    shell.output(ascii(RunScript.READY));
    assertTrue(started.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aShellWhoseTerminalEndedIsNotUsedAndItsEndIsReported() {
    shell.exited(0);
    assertFalse(shell.run(Map.of(), "true", run).isPresent(), "no wait: it said it ended");
    assertEquals(1, endedUnused.get());
    assertEquals(List.of(), run.exits);
  }

  @Test
  void aShellThatCannotWaitIsLetGoAtOnceAndTheRunGoesTheUsualWay() {
    shell.output(ascii(RunScript.CANNOT_WAIT + "\r\n"));
    assertFalse(shell.run(Map.of(), "true", run).isPresent(), "no wait");
    assertTrue(terminal.closed);
    assertEquals(1, endedUnused.get());
  }

  @Test
  void aShellThatCouldNotWaitBeforeItsTerminalWasHandedOverIsLetGoThen() {
    WaitingRun early = new WaitingRun(NONCE);
    early.output(ascii(RunScript.CANNOT_WAIT + "\r\n"));
    Terminal later = new Terminal();
    assertFalse(early.started(later, endedUnused::incrementAndGet));
    assertTrue(later.closed);
  }

  @Test
  void aVariableNoShellCanExportLeavesTheShellToBeDismissed() {
    shell.output(ascii(RunScript.READY));
    assertFalse(shell.run(Map.of("NOT-A-NAME", "1"), "true", run).isPresent());
    shell.dismiss();
    assertEquals("\n", terminal.sent(), "an empty line makes it idle");
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
