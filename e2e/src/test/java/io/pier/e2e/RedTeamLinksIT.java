package io.pier.e2e;

import static io.pier.e2e.HostileWorkspace.assertNotExists;
import static io.pier.e2e.HostileWorkspace.assertUntouched;
import static io.pier.e2e.HostileWorkspace.contents;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12, attacks 1, 2 and 6: a repl plants symbolic links in its own workspace, from its terminal as uid 1000, where
 * the root node-agent will follow them: a save's temporary file, a folder swapped for a link after its files synced
 * (first, middle and last position, absolute and relative targets, loops, another repl's workspace), a linked
 * {@code .pierignore}, and a folder swapped for a link while {@code fs.delete} walks it. Each test asserts that the
 * host (canary files under this run's {@code target/}) and the neighbour are untouched, that no host byte reaches
 * storage, and that the user's legitimate work next to the attack still saves, syncs and stops.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RedTeamLinksIT {
  /** The Pier under attack; {@link RedTeamPlainFolderIT} runs the same attacks on plain-folder workspaces. */
  static HostileWorkspace hw;

  /**
   * Starts the Pier under attack, once for the class. An instance method calling {@link #pierUnderAttack}, so that a
   * subclass picks another Pier: a static {@code @BeforeAll} of the same name in a subclass does not replace this one
   * (JUnit ran both, and the first Pier was never closed: its node-agent process and repl network outlived the run).
   */
  @BeforeAll
  void start() throws Exception {
    hw = pierUnderAttack();
  }

  /** Workspaces of their own filesystem (a loop volume), the default. */
  HostileWorkspace pierUnderAttack() throws Exception {
    return HostileWorkspace.start("links", 256);
  }

  @AfterAll
  void stop() throws Exception {
    if (hw != null) hw.close();
    hw = null;
  }

  /** Attack 1: {@code ln -s /etc/cron.d/x .main.py.pier-tmp}, then Ctrl+S on main.py. */
  @Test
  void aSaveDoesNotWriteThroughAPlantedTemporaryFileLink() throws Exception {
    Path host =
        hw.canaryFolder(
            "temp-link",
            Map.of(
                "cron-x",
                "ORIGINAL cron\n",
                "edited.conf",
                "ORIGINAL edited\n",
                "relative.conf",
                "ORIGINAL relative\n"));
    Map<String, String> before = contents(host);
    try (HostileWorkspace.Repl repl = hw.repl()) {
      // fs.edit needs a file to edit: saved before its temporary file is planted.
      JsonObject base =
          repl.request(
              "fs.write", new JsonObject().put("path", "edit.py").put("content", "print(1)\n"));
      assertTrue(base.getBoolean("ok"), base.encode());
      String relative =
          HostileWorkspace.relativeLink(repl.workspace(), host.resolve("relative.conf"));
      repl.shOk(
          "ln -s "
              + host.resolve("cron-x")
              + " .main.py.pier-tmp"
              + " && ln -s "
              + host.resolve("created-by-save")
              + " .new.py.pier-tmp"
              + " && ln -s "
              + host.resolve("edited.conf")
              + " .edit.py.pier-tmp"
              + " && ln -s "
              + relative
              + " .rel.py.pier-tmp");

      repl.requestWithin(
          "fs.write",
          new JsonObject().put("path", "main.py").put("content", "PWNED by fs.write\n"),
          Duration.ofSeconds(30));
      repl.requestWithin(
          "fs.create",
          new JsonObject()
              .put("path", "new.py")
              .put("type", "file")
              .put("content", "PWNED by fs.create\n"),
          Duration.ofSeconds(30));
      repl.requestWithin(
          "fs.edit",
          new JsonObject()
              .put("path", "edit.py")
              .put("baseVersion", base.getString("version"))
              .put(
                  "changes",
                  new JsonArray()
                      .add(new JsonObject().put("from", 0).put("to", 0).put("insert", "PWNED "))),
          Duration.ofSeconds(30));
      repl.requestWithin(
          "fs.write",
          new JsonObject().put("path", "rel.py").put("content", "PWNED relative\n"),
          Duration.ofSeconds(30));

      assertNotExists(host.resolve("created-by-save"));
      assertUntouched(host, before);
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
    }
    assertUntouched(host, before);
  }

  /**
   * Attack 2: make {@code sub/x.env}, let it sync, then change it and swap {@code sub} for a link to a host folder
   * with a secret of the same name before the write-behind uploads it; a {@code .pierignore} linked to a host file
   * naming {@code sub} would keep the stolen object through the stop, and the next start would restore it.
   */
  @Test
  void aFolderSwappedForALinkAfterSyncingNeverSendsTheHostsFileToStorage() throws Exception {
    String secret = HostileWorkspace.secret("swapped-parent");
    Path host =
        hw.canaryFolder(
            "swapped-parent", Map.of("x.env", secret + "\n", "keep", "sub\n# " + secret + "\n"));
    Map<String, String> before = contents(host);
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.saveAndAwaitStored("sub/x.env", "harmless\n");
      // Changed, so it is queued for upload; swapped within the quiet period, so the upload reads
      // the link's target.
      repl.shOk("echo more >> sub/x.env && mv sub sub.old && ln -s " + host + " sub");
      hw.assertNeverStored(repl, secret, Duration.ofSeconds(4));
      // Only then the ignore file (had it come in the same batch, it would have hidden sub from the
      // upload itself).
      repl.shOk("ln -s " + host.resolve("keep") + " .pierignore");
      hw.assertNeverStored(repl, secret, Duration.ofSeconds(4));
      repl.refused("fs.read", new JsonObject().put("path", "sub/x.env"));
      repl.refused("fs.read", new JsonObject().put("path", ".pierignore"));
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
      hw.assertNotStoredNow(repl, secret);

      // What storage kept is what the next start restores into the workspace.
      repl.startAgain();
      Optional<Path> restored = HostileWorkspace.fileHolding(repl.workspace(), secret);
      assertTrue(
          restored.isEmpty(), "the host's secret was restored into the workspace: " + restored);
      JsonObject read =
          repl.requestWithin(
              "fs.read", new JsonObject().put("path", "sub/x.env"), Duration.ofSeconds(30));
      assertTrue(
          HostileWorkspace.isError(read) || !read.getString("content", "").contains(secret),
          read.encode());
      repl.stopWithinBound();
    }
    assertUntouched(host, before);
  }

  /**
   * Attack 2, variants: a link as the first segment of a path, in the middle, as the last, with an absolute and a
   * relative target; every session operation through them, and the write-behind after a swap.
   */
  @Test
  void linksInEveryPositionOfAPathLeakAndChangeNothing() throws Exception {
    String secret = HostileWorkspace.secret("positions");
    Path host =
        hw.canaryFolder(
            "positions", Map.of("x.env", secret + " top\n", "m/x.env", secret + " middle\n"));
    Map<String, String> before = contents(host);
    try (HostileWorkspace.Repl repl = hw.repl()) {
      for (String path :
          new String[] {"first/x.env", "deep/m/x.env", "mid/m/x.env", "rel/x.env", "last.env"}) {
        repl.saveAndAwaitStored(path, "harmless " + path + "\n");
      }
      String relative = HostileWorkspace.relativeLink(repl.workspace(), host);
      // Each file changed (queued), then the path to it made to run through a link to the host.
      repl.shOk(
          "echo more | tee -a first/x.env deep/m/x.env mid/m/x.env rel/x.env last.env >/dev/null"
              + " && mv first first.old && ln -s "
              + host
              + " first"
              + " && mv deep deep.old && ln -s "
              + host
              + " deep"
              + " && mv mid/m mid/m.old && ln -s "
              + host.resolve("m")
              + " mid/m"
              + " && mv rel rel.old && ln -s "
              + relative
              + " rel"
              + " && rm last.env && ln -s "
              + host.resolve("x.env")
              + " last.env");

      for (String path :
          new String[] {"first/x.env", "deep/m/x.env", "mid/m/x.env", "rel/x.env", "last.env"}) {
        repl.refused("fs.read", new JsonObject().put("path", path));
      }
      for (String folder : new String[] {"first", "deep/m", "mid/m", "rel"}) {
        repl.refused("fs.list", new JsonObject().put("path", folder));
        repl.refused(
            "fs.write",
            new JsonObject().put("path", folder + "/planted.txt").put("content", "PWNED"));
        repl.refused(
            "fs.create", new JsonObject().put("path", folder + "/created.txt").put("type", "file"));
        repl.refused(
            "fs.create", new JsonObject().put("path", folder + "/made-dir").put("type", "dir"));
      }
      repl.refused("fs.delete", new JsonObject().put("path", "first/x.env"));
      repl.refused("fs.delete", new JsonObject().put("path", "mid/m/x.env"));
      repl.refused(
          "fs.rename", new JsonObject().put("from", "first/x.env").put("to", "stolen.env"));
      repl.refused("fs.rename", new JsonObject().put("from", "rel/x.env").put("to", "stolen2.env"));
      repl.requestWithin(
          "fs.write",
          new JsonObject().put("path", "last.env").put("content", "PWNED"),
          Duration.ofSeconds(30));
      assertTrue(
          repl.request("fs.write", new JsonObject().put("path", "mine.txt").put("content", "mine"))
              .getBoolean("ok"));
      repl.refused(
          "fs.rename", new JsonObject().put("from", "mine.txt").put("to", "first/moved.txt"));

      hw.assertNeverStored(repl, secret, Duration.ofSeconds(6));
      assertUntouched(host, before);
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
      hw.assertNotStoredNow(repl, secret);
    }
    assertUntouched(host, before);
  }

  /** Link loops ({@code ln -s a b; ln -s b a}, a link to itself) answer errors promptly and wedge nothing. */
  @Test
  void linkLoopsAnswerPromptlyAndWedgeNothing() throws Exception {
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.saveAndAwaitStored("loop/f.txt", "before the loop\n");
      repl.shOk(
          "echo more >> loop/f.txt && rm -r loop && ln -s loop2 loop && ln -s loop loop2 && ln -s self self"
              + " && mkdir -p inner && ln -s ../inner inner/up");
      Duration prompt = Duration.ofSeconds(10);
      for (String path : new String[] {"loop/f.txt", "self", "self/x", "loop2/f.txt"}) {
        assertTrue(
            HostileWorkspace.isError(
                repl.requestWithin("fs.read", new JsonObject().put("path", path), prompt)));
      }
      repl.requestWithin("fs.list", new JsonObject().put("path", "loop"), prompt);
      repl.requestWithin("fs.list", new JsonObject().put("path", "inner/up/up/up"), prompt);
      repl.requestWithin(
          "fs.write", new JsonObject().put("path", "loop/g.txt").put("content", "x"), prompt);
      repl.requestWithin("fs.list", new JsonObject().put("path", ""), prompt);
      repl.requestWithin("fs.delete", new JsonObject().put("path", "inner"), prompt);
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
    }
  }

  /** Attack 2 against a neighbour: links to another repl's workspace folder on the same node. */
  @Test
  void anotherReplsWorkspaceIsNeitherReadNorWrittenThroughALink() throws Exception {
    String secret = HostileWorkspace.secret("neighbour");
    try (HostileWorkspace.Repl victim = hw.repl();
        HostileWorkspace.Repl attacker = hw.repl()) {
      victim.saveAndAwaitStored("secret.txt", secret + "\n");
      Path victimWs = victim.workspace();
      byte[] victimIndex = Files.readAllBytes(victimWs.resolve("index.js"));
      byte[] victimStoredIndex = hw.stored(victim.key("index.js")).orElseThrow();

      attacker.saveAndAwaitStored("vdir/secret.txt", "mine\n");
      attacker.shOk(
          "ln -s "
              + victimWs.resolve("index.js")
              + " .main.js.pier-tmp"
              + " && echo more >> vdir/secret.txt && mv vdir vdir.old && ln -s "
              + victimWs
              + " vdir");
      attacker.requestWithin(
          "fs.write",
          new JsonObject().put("path", "main.js").put("content", "PWNED neighbour\n"),
          Duration.ofSeconds(30));
      attacker.refused("fs.read", new JsonObject().put("path", "vdir/secret.txt"));
      attacker.refused(
          "fs.write", new JsonObject().put("path", "vdir/planted.txt").put("content", "PWNED"));
      attacker.refused("fs.delete", new JsonObject().put("path", "vdir/secret.txt"));
      hw.assertNeverStored(attacker, secret, Duration.ofSeconds(6));

      assertTrue(
          Arrays.equals(victimIndex, Files.readAllBytes(victimWs.resolve("index.js"))),
          "the neighbour's index.js is untouched: "
              + Files.readString(victimWs.resolve("index.js")));
      assertNotExists(victimWs.resolve("planted.txt"));
      assertEquals(secret + "\n", Files.readString(victimWs.resolve("secret.txt")));
      attacker.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      attacker.stopWithinBound();
      hw.assertNotStoredNow(attacker, secret);
      victim.stopWithinBound();
      assertTrue(
          Arrays.equals(victimStoredIndex, hw.stored(victim.key("index.js")).orElseThrow()),
          "the neighbour's stored index.js is untouched");
      assertEquals(
          secret + "\n",
          new String(hw.stored(victim.key("secret.txt")).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Attack 2, {@code .pierignore} variant: a linked ignore file pointing at a large host file must not be read (so
   * its lines must not decide what is synced), and the files it would hide still sync and stop.
   */
  @Test
  void aLinkedPierignoreIsNotRead() throws Exception {
    Path host = hw.canaryFolder("pierignore", Map.of());
    Path big = host.resolve("big-ignore");
    Files.writeString(big, "keepme\n");
    try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
      file.setLength(
          32L * 1024 * 1024); // sparse: 32 MiB that cost the host nothing, read whole if followed
    }
    try (HostileWorkspace.Repl repl = hw.repl()) {
      repl.shOk("ln -s " + big + " .pierignore");
      // Long enough for the watcher to report the new ignore file before the save below.
      HostileWorkspace.sleep(1500);
      repl.saveAndAwaitStored("keepme/work.txt", "hidden by a host file if the link is followed\n");
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
      assertEquals(
          "hidden by a host file if the link is followed\n",
          new String(hw.stored(repl.key("keepme/work.txt")).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertEquals(32L * 1024 * 1024, Files.size(big));
  }

  /**
   * Attack 6: while {@code fs.delete} walks a folder, the repl keeps swapping it (and, in other rounds, a subfolder)
   * for a link to a host folder holding files of the same names, as fast as a process can rename (node, in a loop;
   * the link stays about half of the time). Up to ten rounds; the host folder must be whole after each.
   */
  @Test
  void aRecursiveDeleteRacingALinkSwapNeverDeletesHostFiles() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    for (int i = 0; i < 300; i++) files.put("f" + i, "host file " + i + "\n");
    Path host = hw.canaryFolder("delete-race", files);
    Map<String, String> before = contents(host);
    String swapper =
        "const fs = require('fs'); const [f, m, h] = process.argv.slice(1);"
            + " const spin = () => { const t = process.hrtime.bigint(); while (process.hrtime.bigint() - t < 300000n); };"
            + " for (;;) { try { fs.renameSync(f, m); fs.symlinkSync(h, f); spin(); fs.unlinkSync(f);"
            + " fs.renameSync(m, f); } catch (e) {} spin(); }";
    try (HostileWorkspace.Repl repl = hw.repl()) {
      for (int round = 0; round < 10; round++) {
        boolean sub = round % 2 == 1;
        String folder = sub ? "d/s" : "d";
        String moved = sub ? "d/s2" : "d2";
        // The previous round's swapper must be gone before the folder is made again, or it plants
        // its link anew.
        repl.shOk(
            "for p in /proc/[0-9]*; do grep -qs renameSync $p/cmdline && kill -9 ${p#/proc/}; done; "
                + "for i in $(seq 50); do grep -qs renameSync /proc/[0-9]*/cmdline || break; sleep 0.1; done; "
                + "rm -rf d d2; mkdir -p "
                + folder
                + " && (cd "
                + folder
                + " && for i in $(seq 0 299); do echo $i > f$i; done)");
        repl.background("node -e \"" + swapper + "\" " + folder + " " + moved + " " + host, "LOOP");
        HostileWorkspace.sleep(300);
        repl.requestWithin("fs.delete", new JsonObject().put("path", "d"), Duration.ofSeconds(30));
        repl.sh("kill $LOOP; wait $LOOP 2>/dev/null; true");
        assertUntouched(host, before);
      }
      repl.saveAndAwaitStored("legit.txt", "the user's own work\n");
      hw.assertHealthy();
      repl.stopWithinBound();
    }
    assertUntouched(host, before);
  }
}
