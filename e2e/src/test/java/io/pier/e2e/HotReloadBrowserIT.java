package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot reload in a real browser: Debian's Chromium driven by playwright-core ({@code web/e2e/hmr.test.mjs}, Node's
 * test runner) against a whole Pier on loopback. The script opens a react-vite repl's preview URL, edits
 * {@code src/App.jsx} through the session WebSocket and sees the change arrive over Vite's HMR WebSocket, which goes
 * through the edge-proxy, without the page reloading. Needs the runner images ({@code images/build.sh}).
 */
class HotReloadBrowserIT {
  private static PierOnLoopback pier;

  @BeforeAll
  static void startPier() throws Exception {
    pier = new PierOnLoopback();
  }

  @AfterAll
  static void stopPier() throws Exception {
    if (pier != null) pier.close();
  }

  @Test
  void anEditToAReactAppShowsInItsPreviewWithoutAReload() throws Exception {
    Path web = PierOnLoopback.repo().resolve("web");
    Path log = Files.createDirectories(Path.of("target")).resolve("hot-reload-browser-test.log");
    ProcessBuilder node =
        new ProcessBuilder("node", "--test", "--test-reporter=spec", "e2e/hmr.test.mjs")
            .directory(web.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    node.environment().put("PIER_URL", "http://" + PierOnLoopback.DOMAIN + ":" + pier.edgePort);
    Process process = node.start();
    boolean finished = process.waitFor(8, TimeUnit.MINUTES);
    if (!finished) process.destroyForcibly();
    String output = read(log);
    System.out.println(output);
    assertEquals(0, finished ? process.exitValue() : -1, "the browser test failed:\n" + output);
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
