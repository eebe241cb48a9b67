package io.pier.node.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.http.ApiException;
import io.pier.node.runtime.PipedProcess;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplProcessesTest {
  private final MovableClock clock = new MovableClock();
  private final ExecLimits limits = ExecLimits.defaults().withProcesses(2, 2);
  private final ReplProcesses table = new ReplProcesses(limits, clock);
  private final AtomicLong buffered = new AtomicLong();
  private final List<String> signals = new ArrayList<>();
  private int ids;

  @Test
  void startsBeyondTheRunningBoundAreRefusedUntilOneEnds() {
    ExecProcess a = admitted(false);
    admitted(true);
    ApiException refused = assertThrows(ApiException.class, () -> admitted(false));
    assertEquals(429, refused.status());
    assertEquals("too_many_processes", refused.code());
    a.listener().exited(0);
    table.ended(a);
    admitted(false);
    assertEquals(2, table.running());
  }

  @Test
  void anEndedForegroundProcessLeavesTheListABackgroundOneStaysAWhile() {
    ExecProcess waited = admitted(false);
    ExecProcess background = admitted(true);
    end(waited, 0);
    end(background, 4);
    assertEquals(List.of(background), table.list());
    assertEquals(4, background.toJson().getInteger("exitCode"));
    clock.advance(limits.finishedFor().plusSeconds(1));
    assertTrue(table.list().isEmpty());
    assertTrue(table.empty());
  }

  @Test
  void theOldestEndedBackgroundProcessesGoBeyondTheirBound() {
    ExecProcess first = admitted(true);
    end(first, 0);
    ExecProcess second = admitted(true);
    end(second, 0);
    ExecProcess third = admitted(true);
    end(third, 0);
    assertEquals(List.of(second, third), table.list());
  }

  @Test
  void aSignalGoesToTheProcessGroupOnceItsIdIsKnown() {
    ExecProcess p = admitted(true);
    assertTrue(p.signal("TERM", ExecProcess.Cause.REQUEST));
    assertTrue(signals.isEmpty(), "no id yet");
    p.listener().output(PipedProcess.Stream.STDOUT, "31\nhi".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("31 TERM"), signals);
    assertEquals(31, p.toJson().getInteger("pid"));
    end(p, 143);
    assertFalse(p.signal("KILL", ExecProcess.Cause.REQUEST), "it ended");
    assertTrue(p.toJson().getBoolean("killed"));
    assertFalse(p.toJson().getBoolean("timedOut"));
  }

  @Test
  void aBackgroundRingKeepsTheLatestOutputWithinItsBoundAndFreesItWhenDropped() {
    OutputRing ring = new OutputRing(8, buffered);
    ring.output(PipedProcess.Stream.STDOUT, "12345".getBytes(StandardCharsets.UTF_8));
    ring.output(PipedProcess.Stream.STDERR, "678".getBytes(StandardCharsets.UTF_8));
    ring.output(PipedProcess.Stream.STDOUT, "9".getBytes(StandardCharsets.UTF_8));
    assertEquals(4, buffered.get());
    assertEquals(5, ring.dropped());
    ring.discard();
    assertEquals(0, buffered.get());
  }

  @Test
  void aWaitedAnswerKeepsEachStreamWithinItsBoundAndSaysItWasTruncated() {
    CapturedOutput captured = new CapturedOutput(4, buffered, p -> {});
    ExecProcess p =
        new ExecProcess("x", request(false), clock, captured, (pid, s) -> signals.add(pid + s));
    p.listener().output(PipedProcess.Stream.STDOUT, "1\nabcdef".getBytes(StandardCharsets.UTF_8));
    p.listener().output(PipedProcess.Stream.STDERR, "err".getBytes(StandardCharsets.UTF_8));
    assertEquals(7, buffered.get());
    p.listener().exited(2);
    var answer = captured.answer(p);
    assertEquals("abcd", answer.getString("stdout"));
    assertEquals("err", answer.getString("stderr"));
    assertEquals(2, answer.getInteger("exitCode"));
    assertTrue(answer.getBoolean("truncated"));
    assertEquals(0, buffered.get());
  }

  private ExecProcess admitted(boolean background) {
    ExecOutput output =
        background ? new OutputRing(64, buffered) : new CapturedOutput(64, buffered, p -> {});
    ExecProcess p =
        new ExecProcess(
            "p" + ids++,
            request(background),
            clock,
            output,
            (pid, signal) -> signals.add(pid + " " + signal));
    table.admit(p);
    return p;
  }

  private void end(ExecProcess p, int code) {
    p.listener().exited(code);
    table.ended(p);
  }

  private static ExecRequest request(boolean background) {
    return new ExecRequest(
        List.of("true"), "/workspace", Map.of(), Duration.ofSeconds(60), null, background);
  }

  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
