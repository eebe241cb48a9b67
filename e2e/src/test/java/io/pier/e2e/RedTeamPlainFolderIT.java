package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every link attack of {@link RedTeamLinksIT} again, on a node whose workspaces are plain folders of its own disk
 * ({@code PIER_NODE_DISK_MB=0}): the same filesystem as the host's files, so no mount boundary helps. Plus hard links,
 * which only such a workspace could share with the host.
 */
class RedTeamPlainFolderIT extends RedTeamLinksIT {

  /** Plain folders instead of loop volumes. */
  @Override
  HostileWorkspace pierUnderAttack() throws Exception {
    return HostileWorkspace.start("plain", 0);
  }

  /**
   * Hard links inside a plain-folder workspace are ordinary files to the node (stored once per name, saved without
   * changing the other name's host file); one to a host file cannot be made from the container, and a hard link to a
   * FIFO is refused like the FIFO.
   */
  @Test
  void hardLinksStayInsideTheWorkspace() throws Exception {
    Path host = hw.canaryFolder("hard-links", Map.of("host.conf", "ORIGINAL host\n"));
    Map<String, String> before = HostileWorkspace.contents(host);
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.shOk(
          "echo mine > a.txt && ln a.txt b.txt && mkdir -p h && ln a.txt h/c.txt && mkfifo ff && ln ff ff2");
      assertNotEquals(
          0,
          repl.sh("ln " + host.resolve("host.conf") + " stolen.conf 2>/dev/null"),
          "a container cannot hard-link a host file it cannot see");
      JsonObject read =
          repl.requestWithin(
              "fs.read", new JsonObject().put("path", "b.txt"), HostileWorkspace.PROMPT);
      assertEquals("mine\n", read.getString("content"), read.encode());
      JsonObject fifo =
          repl.requestWithin(
              "fs.read", new JsonObject().put("path", "ff2"), HostileWorkspace.PROMPT);
      assertTrue(HostileWorkspace.isError(fifo), fifo.encode());
      repl.awaitStored("a.txt", "mine\n");
      repl.awaitStored("b.txt", "mine\n");
      repl.awaitStored("h/c.txt", "mine\n");
      repl.saveAndAwaitStored("b.txt", "saved through the second name\n");
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
      assertEquals(
          "saved through the second name\n",
          new String(hw.stored(repl.key("b.txt")).orElseThrow(), StandardCharsets.UTF_8));
    } finally {
      HostileWorkspace.unjamFifos(hw.pier.workspace(""));
    }
    HostileWorkspace.assertUntouched(host, before);
  }
}
