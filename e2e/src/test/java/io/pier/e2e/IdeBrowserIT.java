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
 * The IDE in a real browser: Debian's Chromium driven by playwright-core ({@code web/e2e/ide.test.mjs}, Node's test
 * runner) against a whole Pier on loopback. The script creates a repl from the home page, edits, saves, runs, uses
 * a terminal and reloads; it saves screenshots to {@code docs/screenshots/}.
 */
class IdeBrowserIT {
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
  void aUserCreatesEditsRunsAndFindsTheirWorkAgainInTheBrowser() throws Exception {
    Path web = PierOnLoopback.repo().resolve("web");
    Path log = Files.createDirectories(Path.of("target")).resolve("ide-browser-test.log");
    ProcessBuilder node =
        new ProcessBuilder("node", "--test", "--test-reporter=spec", "e2e/ide.test.mjs")
            .directory(web.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    node.environment().put("PIER_URL", "http://" + PierOnLoopback.DOMAIN + ":" + pier.edgePort);
    node.environment()
        .put("SCREENSHOT_DIR", PierOnLoopback.repo().resolve("docs/screenshots").toString());
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
