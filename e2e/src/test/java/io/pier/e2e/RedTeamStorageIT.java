package io.pier.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, attacks 3 and 5, and big trees: file names chosen to become storage keys that escape the repl's prefix
 * (backslashes that turn into {@code ../}), that S3 refuses or that do not survive the round trip (newlines, control
 * characters, invalid UTF-8, more than 1,024 bytes), a {@code .pierignore} that is not UTF-8, 10,000 files in one
 * folder and very deep trees. Each test asserts that nothing outside the attacker's prefix changes in storage, that
 * no unsafe key is stored, that the rest of the workspace still syncs and that a stop completes within a bound.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class RedTeamStorageIT {
  private static HostileWorkspace hw;

  @BeforeAll
  static void start() throws Exception {
    hw = HostileWorkspace.start("storage", 256);
  }

  @AfterAll
  static void stop() throws Exception {
    if (hw != null) hw.close();
  }

  /**
   * Attack 3: {@code l\..\..\..\<victim>\files\index.js} is one file name in the workspace; with backslashes turned
   * into slashes it is a key that climbs out of the attacker's prefix. A link {@code l} makes the same string, read
   * as a host path, land on a file the attacker wrote; without the link, on nothing (an upload of nothing is a delete).
   */
  @Test
  void backslashNamesCannotWriteOrDeleteOutsideTheReplsOwnStorage() throws Exception {
    String victim = hw.create();
    byte[] victimIndex = hw.stored("repls/" + victim + "/files/index.js").orElseThrow();
    try (HostileWorkspace.Repl attacker = hw.repl()) {
      attacker.saveAndAwaitStored("legit-before.txt", "the user's own work\n");
      // The storage server resolves dot segments on its own disk, so the folders they climb out of
      // must exist there:
      // stored once, and kept stored (ignored) after the workspace's l becomes a link.
      attacker.saveAndAwaitStored("l/keep.txt", "makes l a folder in storage\n");
      attacker.saveAndAwaitStored("nolink/keep.txt", "makes nolink a folder in storage\n");
      attacker.saveAndAwaitStored(".pierignore", "l/keep.txt\nnolink/keep.txt\n");
      HostileWorkspace.sleep(1000);
      Map<String, String> before = hw.storageOnDisk();
      String v = victim;
      attacker.shOk(
          "rm -r l && mkdir -p a/b/c/d/e a/"
              + v
              + "/files templates/node accounts"
              + " && ln -s a/b/c/d l && ln -s a/b/c/d/e l5"
              + " && printf PWNED-above > outside-the-bucket.txt"
              + " && printf PWNED-victim > a/"
              + v
              + "/files/index.js"
              + " && printf PWNED-planted > a/"
              + v
              + "/files/planted.js"
              + " && printf '{\"owner\":\"attacker\"}' > a/"
              + v
              + "/repl.json"
              + " && printf PWNED-template > templates/node/index.js"
              + " && printf '{\"username\":\"admin\",\"admin\":true}' > accounts/admin.json");
      attacker.shOk(
          "printf x > 'l\\..\\..\\..\\"
              + v
              + "\\files\\index.js'"
              + " && printf x > 'l\\..\\..\\..\\"
              + v
              + "\\files\\planted.js'"
              + " && printf x > 'l\\..\\..\\..\\"
              + v
              + "\\repl.json'"
              + " && printf x > 'l\\..\\..\\..\\..\\templates\\node\\index.js'"
              + " && printf x > 'l\\..\\..\\..\\..\\accounts\\admin.json'"
              + " && printf x > 'l5\\..\\..\\..\\..\\..\\outside-the-bucket.txt'"
              + " && printf x > 'nolink\\..\\..\\..\\"
              + v
              + "\\files\\README.md'");
      HostileWorkspace.sleep(3000);
      attacker.saveAndAwaitStored("legit-after.txt", "still the user's own work\n");
      hw.assertHealthy();
      List<String> allowed = List.of("pier/repls/" + attacker.slug + "/");
      // Every check runs and reports, so one failure does not hide the others.
      assertAll(
          () ->
              assertEquals(
                  List.of(),
                  HostileWorkspace.changedOutside(before, hw.storageOnDisk(), allowed),
                  "while the attacker runs, storage outside its prefix is untouched"),
          () ->
              assertEquals(
                  List.of(), keysWithDotSegments(attacker), "keys with dot segments were stored"),
          attacker::stopWithinBound,
          () ->
              assertEquals(
                  List.of(),
                  HostileWorkspace.changedOutside(before, hw.storageOnDisk(), allowed),
                  "after the attacker's stop, storage outside its prefix is untouched"),
          () ->
              assertTrue(
                  Arrays.equals(
                      victimIndex,
                      hw.stored("repls/" + victim + "/files/index.js").orElse(new byte[0])),
                  "the victim's index.js is untouched"),
          () ->
              assertEquals(
                  "still the user's own work\n",
                  new String(
                      hw.stored(attacker.key("legit-after.txt")).orElseThrow(),
                      StandardCharsets.UTF_8)));
    }
  }

  /** The embedded S3 server itself refuses keys with dot segments: a client that sends one changes nothing else. */
  @Test
  void theStorageServerDoesNotResolveDotSegments() throws Exception {
    String victim = hw.create();
    Map<String, String> before = hw.storageOnDisk();
    for (String key :
        List.of(
            "repls/x/files/l/../../../" + victim + "/files/index.js",
            "repls/x/files/./a.txt",
            "repls/x/files/../../templates/node/index.js",
            "../outside.txt")) {
      try {
        hw.pier.store.put(key, "PWNED".getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException refused) {
        // refused is right; stored under exactly that key would be too
      }
    }
    assertEquals(
        List.of(),
        HostileWorkspace.changedOutside(before, hw.storageOnDisk(), List.of("pier/repls/x/")),
        "a key with dot segments changes nothing outside its own prefix");
  }

  private static List<String> keysWithDotSegments(HostileWorkspace.Repl repl) {
    List<String> found = new ArrayList<>();
    for (var o : hw.pier.store.list("repls/" + repl.slug + "/")) {
      if (Arrays.stream(o.key().split("/")).anyMatch(s -> s.equals("..") || s.equals("."))) {
        found.add(o.key());
      }
    }
    return found;
  }

  /**
   * Attacks 3 and 5: names with a newline, control characters, an escape sequence and invalid UTF-8 are not stored
   * under a key that differs from the name or that S3 may refuse; the rest of the workspace syncs, nothing is
   * retried forever, and the stop completes.
   */
  @Test
  void namesWithNewlinesControlCharactersAndInvalidUtf8AreSkippedAndTheReplStillStops()
      throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.shOk(
          "printf x > $'new\\nline.txt' && printf x > $'ctl\\001.txt' && printf x > $'esc\\e[31m.txt'"
              + " && printf x > $'bad\\xff.txt' && printf x > $'bad\\xc3\\x28.txt' && printf x > $'del\\x7f.txt'"
              + " && mkdir -p $'dir\\nname' && printf x > $'dir\\nname/inside.txt'");
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      repl.saveAndAwaitStored("src/ok-ünïcödé.txt", "valid UTF-8 names are fine\n");
      assertNothingRetriedForever(repl);
      hw.assertHealthy();
      repl.stopWithinBound();
      assertOnlySafeKeys(repl);
      assertEquals(
          "the user's own work\n",
          new String(hw.stored(repl.key("legit.txt")).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  /** Attack 5: a path whose key would be longer than S3's 1,024 bytes is skipped, not retried forever. */
  @Test
  void aPathTooLongForAStorageKeyIsSkippedAndTheReplStillStops() throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      // 1,400 bytes: deeper than any key S3 takes, shallower than the host's PATH_MAX.
      repl.shOk(
          "p=long; for i in $(seq 1 127); do p=$p/dddddddddd; done; mkdir -p $p && echo long > $p/f.txt");
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      assertNothingRetriedForever(repl);
      hw.assertHealthy();
      repl.stopWithinBound();
      assertOnlySafeKeys(repl);
    }
  }

  /** Attack 5: a {@code .pierignore} that is not UTF-8 does not make the repl unstoppable. */
  @Test
  void aPierignoreThatIsNotUtf8DoesNotMakeTheReplUnstoppable() throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.shOk("printf 'node_modules\\n\\xff\\xfe\\x80\\n' > .pierignore");
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      assertNothingRetriedForever(repl);
      hw.assertHealthy();
      repl.stopWithinBound();
      assertEquals(
          "the user's own work\n",
          new String(hw.stored(repl.key("legit.txt")).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  /** 10,000 files in one folder: the listing answers, all of them sync, the stop completes. */
  @Test
  void tenThousandFilesInOneFolderListSyncAndStop() throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.shOk(
          "mkdir many && (cd many && seq 1 10000 | sed 's/^/f/' | xargs touch)",
          Duration.ofMinutes(2));
      JsonObject listed =
          repl.requestWithin(
              "fs.list", new JsonObject().put("path", "many"), Duration.ofSeconds(30));
      assertTrue(
          listed.getBoolean("ok", false),
          listed.encode().substring(0, Math.min(300, listed.encode().length())));
      assertEquals(10_000, listed.getJsonArray("entries").size());
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      HostileWorkspace.eventually(
          Duration.ofMinutes(3),
          () -> hw.pier.store.list(repl.key("many/")).size() == 10_000,
          "10,000 files reach storage");
      hw.assertHealthy();
      repl.stopWithinBound();
      assertEquals(10_000, hw.pier.store.list(repl.key("many/")).size());
    }
  }

  /**
   * Very deep trees: 300 levels (a legitimate key, which syncs) and 2,000 levels (deeper, on the host, than the
   * longest path the kernel resolves in one go): the node stays healthy, the rest syncs, the stop completes.
   */
  @Test
  void veryDeepTreesLeaveTheNodeHealthyAndTheReplStoppable() throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      String deep = "deep" + "/d".repeat(300) + "/f.txt";
      repl.shOk(
          "p=deep; for i in $(seq 1 300); do p=$p/d; done; mkdir -p $p && echo deep > $p/f.txt");
      // node, not bash: bash's cd builds an absolute path, which stops working past PATH_MAX.
      repl.shOk(
          "node -e \"const fs = require('fs'); for (let i = 0; i < 2000; i++) { fs.mkdirSync('abyss');"
              + " process.chdir('abyss'); } fs.writeFileSync('f.txt', 'bottom')\"",
          Duration.ofMinutes(2));
      repl.awaitStored(deep, "deep\n");
      JsonObject read =
          repl.requestWithin("fs.read", new JsonObject().put("path", deep), Duration.ofSeconds(30));
      assertEquals("deep\n", read.getString("content"), read.encode());
      repl.requestWithin("fs.list", new JsonObject().put("path", ""), Duration.ofSeconds(30));
      repl.requestWithin(
          "fs.read",
          new JsonObject().put("path", "abyss" + "/abyss".repeat(1999) + "/f.txt"),
          Duration.ofSeconds(30));
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      assertNothingRetriedForever(repl);
      hw.assertHealthy();
      repl.stopWithinBound();
      assertOnlySafeKeys(repl);
    }
  }

  /** The write-behind queue gives up on what can never be stored: within the sync bound nothing is pending. */
  private static void assertNothingRetriedForever(HostileWorkspace.Repl repl) {
    HostileWorkspace.eventually(
        HostileWorkspace.SYNC_BOUND,
        () -> {
          JsonObject status = hw.syncStatus(repl.slug);
          return !status.containsKey("pendingFiles") || status.getInteger("pendingFiles") == 0;
        },
        "the write-behind queue of "
            + repl.slug
            + " settles (nothing retried forever): "
            + hw.syncStatus(repl.slug));
  }

  /** Every stored key of the repl is a safe name: no control characters, valid UTF-8, no dot segments, ≤ 1 KiB. */
  private static void assertOnlySafeKeys(HostileWorkspace.Repl repl) {
    List<String> unsafe = new ArrayList<>();
    for (var o : hw.pier.store.list("repls/" + repl.slug + "/")) {
      String key = o.key();
      boolean control = key.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
      boolean replaced = key.indexOf('\uFFFD') >= 0;
      boolean dots = Arrays.stream(key.split("/")).anyMatch(s -> s.equals(".") || s.equals(".."));
      boolean tooLong = key.getBytes(StandardCharsets.UTF_8).length > 1024;
      if (control || replaced || dots || tooLong)
        unsafe.add(key.replace("\n", "\\n").replace("\u001b", "\\e"));
    }
    assertEquals(List.of(), unsafe, "only safe keys are stored");
  }
}
