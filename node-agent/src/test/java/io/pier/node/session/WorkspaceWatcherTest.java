package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.pier.node.workspace.IgnoreList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher reports what processes do in a workspace, a burst too large for the event queue included. */
class WorkspaceWatcherTest {
  @TempDir Path temp;

  @Test
  void aBurstOfThousandsOfFilesIsReportedWholeAndLinksAreNotWatchedThrough() throws Exception {
    Path ws = Files.createDirectory(temp.resolve("calm-lake-123456"));
    Path host = Files.createDirectory(temp.resolve("host"));
    Set<String> created = ConcurrentHashMap.newKeySet();
    try (WatchTicker ticker = new WatchTicker();
        WorkspaceWatcher watcher =
            new WorkspaceWatcher(
                ws,
                IgnoreList.DEFAULT,
                new WorkspaceFiles(ws),
                ticker,
                changes ->
                    changes.stream()
                        .filter(c -> c.kind().equals("created"))
                        .forEach(c -> created.add(c.path())))) {
      Files.createSymbolicLink(ws.resolve("linked"), host);
      Path many = Files.createDirectory(ws.resolve("many"));
      // More events than a watch key holds (512): the watcher overflows and must rescan.
      for (int i = 0; i < 20000; i++) Files.createFile(many.resolve("f" + i));
      TestSession.await(
          () -> created.stream().filter(p -> p.startsWith("many/f")).count() == 20000,
          "all 20,000 files reported, not only those whose events fit the queue");
      Files.writeString(host.resolve("outside.txt"), "x");
      Files.writeString(ws.resolve("inside.txt"), "y");
      TestSession.await(() -> created.contains("inside.txt"), "a later file reported");
      assertFalse(created.contains("linked/outside.txt"), "a linked folder is not watched");
    }
  }
}
