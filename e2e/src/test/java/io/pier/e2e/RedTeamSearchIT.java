package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The IDE's search and Go to file ({@code fs.search}, {@code fs.files}) over a workspace its repl planted, from a
 * terminal as its own uid: links to a host folder and file (absolute and relative) and to the host's root, FIFOs named
 * like source files, and a line built to make a pattern backtrack for ever. The root node-agent walks that tree: it
 * must answer promptly, find only the repl's own regular files and never read what a link points at.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RedTeamSearchIT {
  /** The search's own time bound (5 s) and room for a loaded machine. */
  private static final Duration SEARCH_BOUND = Duration.ofSeconds(20);

  private static HostileWorkspace hw;

  @BeforeAll
  static void start() throws Exception {
    hw = HostileWorkspace.start("search", 256);
  }

  @AfterAll
  static void stop() throws Exception {
    if (hw != null) hw.close();
  }

  @Test
  void searchAndGoToFileFindOnlyTheReplsOwnFilesThroughPlantedLinksAndFifos() throws Exception {
    String secret = HostileWorkspace.secret("search");
    Path host =
        hw.canaryFolder(
            "search", Map.of("secret.txt", secret + "\n", "deep/needle.txt", "needle " + secret));
    HostileWorkspace.Repl repl = hw.repl();
    try (repl) {
      JsonObject own =
          repl.request(
              "fs.write", new JsonObject().put("path", "own.txt").put("content", "a needle\n"));
      assertTrue(own.getBoolean("ok"), own.encode());
      repl.shOk(
          "ln -s "
              + host
              + " hostdir && ln -s "
              + host.resolve("secret.txt")
              + " link.txt && ln -s "
              + HostileWorkspace.relativeLink(repl.workspace(), host)
              + " rel && ln -s / root && mkfifo trap.js && mkdir -p sub && mkfifo sub/needle.txt");

      JsonObject stolen = search(repl, secret, false);
      assertEquals(List.of(), paths(stolen.getJsonArray("hits")), stolen.encode());

      JsonObject needles = search(repl, "needle", false);
      assertEquals(List.of("own.txt"), paths(needles.getJsonArray("hits")), needles.encode());

      JsonObject names = repl.requestWithin("fs.files", new JsonObject(), SEARCH_BOUND);
      List<String> listed = names.getJsonArray("paths").getList();
      assertTrue(listed.contains("own.txt"), names.encode());
      for (String path : listed) {
        assertFalse(
            path.startsWith("hostdir/")
                || path.startsWith("rel/")
                || path.startsWith("root/")
                || path.equals("link.txt")
                || path.equals("trap.js")
                || path.equals("sub/needle.txt"),
            "Go to file lists " + path + " (a link or a FIFO): " + names.encode());
      }
      hw.assertHealthy();
      repl.stopWithinBound();
    } finally {
      // A reader the search left blocked on a FIFO would otherwise hold a thread after the test.
      HostileWorkspace.unjamFifos(repl.workspace());
    }
  }

  @Test
  void aPatternThatBacktracksForEverEndsAtTheSearchsTimeBound() throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      // Java's engine shortcuts the classic (a+)+$; this one tries every way to pick 40 a's out of
      // 30 and needs
      // billions of steps per line.
      repl.shOk("for i in $(seq 50); do printf 'a%.0s' $(seq 30); echo '!'; done > slow.txt");
      JsonObject found = search(repl, "(.*a){40}", true);
      assertTrue(found.getBoolean("truncated"), found.encode());
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
    }
  }

  private static JsonObject search(HostileWorkspace.Repl repl, String query, boolean regex) {
    JsonObject reply =
        repl.requestWithin(
            "fs.search", new JsonObject().put("query", query).put("regex", regex), SEARCH_BOUND);
    assertFalse(HostileWorkspace.isError(reply), reply.encode());
    return reply;
  }

  private static List<String> paths(JsonArray hits) {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < hits.size(); i++) {
      String path = hits.getJsonObject(i).getString("path");
      if (!paths.contains(path)) paths.add(path);
    }
    return paths;
  }
}
