package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IDE in a real browser: Debian's Chromium driven by playwright-core (the walks {@code web/e2e/ide*.test.mjs}, Node's
 * test runner) against a whole Pier on loopback. {@code ide.test.mjs} creates a repl from the home page, edits,
 * saves, runs, uses a terminal and reloads; the others walk one part of the IDE each. They save screenshots to
 * {@code docs/screenshots/}.
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
    // One walk at a time, on any machine: ide-admin drains this Pier's only node for a moment,
    // which would stop the repls of a walk running beside it (they cannot move) and refuse its
    // starts.
    List<String> command =
        new ArrayList<>(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec"));
    command.addAll(walks(web.resolve("e2e")));
    ProcessBuilder node =
        new ProcessBuilder(command)
            .directory(web.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    node.environment().put("PIER_URL", "http://" + PierOnLoopback.DOMAIN + ":" + pier.edgePort);
    // An administrator's token, as the operator's ./pier admin has: ide-admin.test.mjs makes its
    // administrator with it.
    node.environment().put("PIER_ADMIN_TOKEN", pier.adminToken);
    node.environment()
        .put("SCREENSHOT_DIR", PierOnLoopback.repo().resolve("docs/screenshots").toString());
    Process process = node.start();
    boolean finished = process.waitFor(25, TimeUnit.MINUTES);
    if (!finished) process.destroyForcibly();
    String output = read(log);
    System.out.println(output);
    assertEquals(0, finished ? process.exitValue() : -1, "the browser test failed:\n" + output);
  }

  /**
   * The browser walks of the IDE: e2e/ide*.test.mjs (the hot-reload walk has its own IT). PIER_WALKS, a comma-separated
   * list of names such as {@code ide-files}, runs only those while working on one part.
   */
  private static List<String> walks(Path dir) throws IOException {
    String only = System.getenv().getOrDefault("PIER_WALKS", "");
    List<String> chosen = only.isBlank() ? List.of() : List.of(only.split(","));
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.startsWith("ide") && name.endsWith(".test.mjs"))
          .filter(name -> chosen.isEmpty() || chosen.contains(name.replace(".test.mjs", "")))
          .sorted()
          .map(name -> "e2e/" + name)
          .toList();
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
