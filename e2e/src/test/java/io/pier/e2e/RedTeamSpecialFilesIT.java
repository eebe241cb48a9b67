package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, attack 4: special files in the workspace (FIFOs, one named like a synced file, a FIFO with an endless
 * writer, a unix socket) must be refused at once, never opened in a way that blocks, and twenty of them at a time must
 * not take the node-agent's threads from everyone else. After each test, blocked readers are released from the host
 * (a writer opens and closes each FIFO), so one test's hang does not become the next test's failure.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedTeamSpecialFilesIT {
  private static HostileWorkspace hw;
  private final List<HostileWorkspace.Repl> used = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    hw = HostileWorkspace.start("special", 256);
  }

  @AfterAll
  static void stop() throws Exception {
    if (hw != null) hw.close();
  }

  @AfterEach
  void unjam() {
    for (HostileWorkspace.Repl repl : used) HostileWorkspace.unjamFifos(repl.workspace());
    used.clear();
  }

  private HostileWorkspace.Repl repl() throws Exception {
    HostileWorkspace.Repl repl = hw.repl();
    used.add(repl);
    return repl;
  }

  /** {@code mkfifo f}, then the IDE opens f: an error answer at once, not a hang; the same for fs.edit. */
  @Test
  void readingAFifoAnswersAnErrorPromptly() throws Exception {
    try (HostileWorkspace.Repl repl = repl()) {
      repl.saveAndAwaitStored("data.txt", "synced once\n");
      // A FIFO where a synced file was, and plain ones.
      repl.shOk("mkfifo f && rm data.txt && mkfifo data.txt && mkdir -p sub && mkfifo sub/g");
      for (String path : new String[] {"f", "data.txt", "sub/g"}) {
        JsonObject read =
            repl.requestWithin(
                "fs.read", new JsonObject().put("path", path), HostileWorkspace.PROMPT);
        assertTrue(HostileWorkspace.isError(read), "reading a FIFO is refused: " + read.encode());
      }
      JsonObject edit =
          repl.requestWithin(
              "fs.edit",
              new JsonObject()
                  .put("path", "f")
                  .put("baseVersion", "0")
                  .put("changes", new JsonArray()),
              HostileWorkspace.PROMPT);
      assertTrue(HostileWorkspace.isError(edit), edit.encode());
      repl.requestWithin("fs.list", new JsonObject().put("path", ""), HostileWorkspace.PROMPT);
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
    }
  }

  /**
   * Twenty parallel reads of FIFOs, each from a session of its own (a session answers its requests in order, so one
   * blocked read holds one worker thread; twenty hold all of the agent's default pool), plus four queued behind each
   * other in the attacker's IDE session: /healthz answers, another repl's session reads and saves, the node's
   * heartbeats go on (its repls are not declared lost), the attacker's own later save works, both repls stop.
   */
  @Test
  void twentyParallelFifoReadsDoNotWedgeTheNode() throws Exception {
    List<SessionClient> sessions = new ArrayList<>();
    try (HostileWorkspace.Repl neighbour = repl();
        HostileWorkspace.Repl attacker = repl()) {
      neighbour.saveAndAwaitStored("notes.txt", "the neighbour's notes\n");
      attacker.shOk("for i in $(seq 1 24); do mkfifo p$i; done");
      // Straight to the node-agent: through the edge-proxy, whose client pool holds 5 connections
      // per node, the
      // sixth concurrent session to a node waits for ever (a limit of its own, not the one tested
      // here).
      for (int i = 1; i <= 20; i++) {
        sessions.add(
            SessionClient.connect(hw.vertx, hw.pier.nodePort, attacker.slug, hw.pier.userToken));
      }
      long began = System.nanoTime();
      for (int i = 1; i <= 20; i++) {
        sessions
            .get(i - 1)
            .sendRaw(
                new JsonObject().put("id", 1).put("op", "fs.read").put("path", "p" + i).encode());
      }
      List<Integer> queued = new ArrayList<>();
      for (int i = 21; i <= 24; i++)
        queued.add(attacker.send("fs.read", new JsonObject().put("path", "p" + i)));
      HostileWorkspace.sleep(1000);

      hw.assertHealthy();
      JsonObject read =
          neighbour.requestWithin(
              "fs.read", new JsonObject().put("path", "notes.txt"), Duration.ofSeconds(10));
      assertTrue(
          read.getBoolean("ok", false), "the neighbour still reads its files: " + read.encode());
      neighbour.saveAndAwaitStored("after.txt", "the neighbour still saves\n");
      // Longer than the scheduler waits for a node's heartbeat (15 s here) before it declares the
      // node's repls lost.
      HostileWorkspace.sleep(Math.max(0, 18_000 - (System.nanoTime() - began) / 1_000_000));
      hw.assertHealthy();
      String state =
          new JsonObject(EdgeApi.send(hw.pier, "GET", "/api/repls/" + neighbour.slug, null).body())
              .getString("state");
      assertEquals("running", state, "the node's heartbeats went on: its repls are not lost");
      for (int i = 0; i < sessions.size(); i++) {
        SessionClient s = sessions.get(i);
        JsonObject reply =
            s.events.stream()
                .filter(e -> Integer.valueOf(1).equals(e.getValue("id")))
                .findFirst()
                .orElse(null);
        assertTrue(
            reply != null && HostileWorkspace.isError(reply),
            "the read of FIFO p" + (i + 1) + " was refused promptly: " + reply);
      }
      for (int id : queued) {
        JsonObject reply = attacker.awaitReply(id, HostileWorkspace.PROMPT);
        assertTrue(
            reply != null && HostileWorkspace.isError(reply),
            "each FIFO read is refused promptly: " + reply);
      }
      attacker.saveAndAwaitStored("legit.txt", "the user's own work\n");
      neighbour.stopWithinBound();
      attacker.stopWithinBound();
    } finally {
      for (HostileWorkspace.Repl r : used) HostileWorkspace.unjamFifos(r.workspace());
      for (SessionClient s : sessions) {
        try {
          s.close();
        } catch (RuntimeException alreadyClosed) {
          // the stop closed it
        }
      }
    }
  }

  /** A FIFO with a writer that never stops ({@code cat /dev/zero > z}): not streamed without limit. */
  @Test
  void aFifoWithAnEndlessWriterIsNotReadWithoutLimit() throws Exception {
    try (HostileWorkspace.Repl repl = repl()) {
      repl.shOk("mkfifo z");
      repl.background("cat /dev/zero > z", "WRITER");
      JsonObject read =
          repl.requestWithin("fs.read", new JsonObject().put("path", "z"), Duration.ofSeconds(10));
      assertTrue(HostileWorkspace.isError(read), read.encode());
      repl.sh("kill $WRITER; true");
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertAgentNeverRanOutOfMemory();
      hw.assertHealthy();
      repl.stopWithinBound();
    }
  }

  /** A unix socket (a node server listening on s.sock): reading it is refused promptly. */
  @Test
  void aUnixSocketIsRefusedPromptly() throws Exception {
    try (HostileWorkspace.Repl repl = repl()) {
      repl.background(
          "node -e \"require('net').createServer(c => c.end('from the socket')).listen('s.sock')\"",
          "SERVER");
      HostileWorkspace.eventually(
          Duration.ofSeconds(10), () -> repl.sh("test -S s.sock") == 0, "s.sock listens");
      JsonObject read =
          repl.requestWithin(
              "fs.read", new JsonObject().put("path", "s.sock"), HostileWorkspace.PROMPT);
      assertTrue(HostileWorkspace.isError(read), read.encode());
      repl.requestWithin("fs.list", new JsonObject().put("path", ""), HostileWorkspace.PROMPT);
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      repl.sh("kill $SERVER; true");
      hw.assertHealthy();
      repl.stopWithinBound();
    }
  }
}
