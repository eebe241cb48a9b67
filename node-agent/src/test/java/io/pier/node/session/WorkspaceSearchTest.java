package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.node.workspace.WorkspaceTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Searching a workspace finds text in its files and nothing through links, special files or tools' folders. */
class WorkspaceSearchTest {
  @TempDir Path temp;
  private Path workspace;
  private Path outside;
  private WorkspaceSearch search;

  @BeforeEach
  void setUp() throws Exception {
    workspace = Files.createDirectory(temp.resolve("quiet-otter-123456"));
    outside = Files.createDirectory(temp.resolve("host"));
    search = new WorkspaceSearch(WorkspaceTree.of(workspace));
  }

  private List<WorkspaceSearch.Hit> hits(String query, boolean regex, boolean caseSensitive) {
    return search.search(SearchQuery.of(query, regex, caseSensitive)).hits();
  }

  @Test
  void aLiteralIsFoundWithItsLineColumnAndPreview() throws Exception {
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve("src/a.js"), "one\r\n    let needle = 1;\nthree needle\n");
    Files.writeString(workspace.resolve("b.txt"), "no match here");
    List<WorkspaceSearch.Hit> hits = hits("needle", false, true);
    assertEquals(2, hits.size());
    assertEquals(new WorkspaceSearch.Hit("src/a.js", 2, 8, 6, "let needle = 1;", 4), hits.get(0));
    assertEquals(new WorkspaceSearch.Hit("src/a.js", 3, 6, 6, "three needle", 6), hits.get(1));
  }

  @Test
  void aLiteralIsNotARegularExpressionAndCaseCanBeIgnored() throws Exception {
    Files.writeString(workspace.resolve("a.py"), "x = a.b\nxAxb\nNEEDLE\n");
    assertEquals(1, hits("a.b", false, true).size());
    assertEquals(2, hits("a.b", true, false).size());
    assertEquals(0, hits("needle", false, true).size());
    assertEquals(1, hits("needle", false, false).size());
  }

  @Test
  void badQueriesAreBadRequests() {
    assertEquals(
        "bad_request",
        assertThrows(SessionException.class, () -> SearchQuery.of("", false, true)).code());
    assertEquals(
        "bad_request",
        assertThrows(SessionException.class, () -> SearchQuery.of("x".repeat(257), false, true))
            .code());
    assertEquals(
        "bad_request",
        assertThrows(SessionException.class, () -> SearchQuery.of("(", true, true)).code());
  }

  @Test
  void hitsAreCappedAndLongLinesCutInThePreview() throws Exception {
    Files.writeString(workspace.resolve("many.txt"), "hit\n".repeat(1500));
    Files.writeString(
        workspace.resolve("long.txt"), "x".repeat(5000) + "target" + "y".repeat(5000));
    WorkspaceSearch.Found found = search.search(SearchQuery.of("hit", false, true));
    assertEquals(WorkspaceSearch.MAX_HITS, found.hits().size());
    assertTrue(found.truncated());
    WorkspaceSearch.Hit far = hits("target", false, true).get(0);
    assertEquals(5000, far.column());
    assertTrue(far.preview().length() <= WorkspaceSearch.MAX_PREVIEW_CHARS);
    assertEquals(
        "target", far.preview().substring(far.previewColumn(), far.previewColumn() + far.length()));
  }

  @Test
  void binaryBigAndToolsFilesAreSkipped() throws Exception {
    Files.write(workspace.resolve("image.bin"), new byte[] {'w', 'o', 'r', 'd', 0, 1});
    Files.writeString(workspace.resolve("huge.txt"), "word\n" + "z".repeat(1024 * 1024));
    Files.createDirectories(workspace.resolve("node_modules/lib"));
    Files.writeString(workspace.resolve("node_modules/lib/index.js"), "word");
    Files.createDirectories(workspace.resolve(".git"));
    Files.writeString(workspace.resolve(".git/config"), "word");
    Files.writeString(workspace.resolve("real.js"), "word");
    assertEquals(
        List.of("real.js"), hits("word", false, true).stream().map(h -> h.path()).toList());
    assertFalse(search.search(SearchQuery.of("word", false, true)).truncated());
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void linksAndFifosAreNeverFollowedOrOpened() throws Exception {
    Files.writeString(outside.resolve("secret.txt"), "word from the host");
    Files.createSymbolicLink(workspace.resolve("etc"), outside);
    Files.createSymbolicLink(workspace.resolve("secret.js"), outside.resolve("secret.txt"));
    assertEquals(
        0,
        new ProcessBuilder("mkfifo", workspace.resolve("index.js").toString()).start().waitFor());
    Files.writeString(workspace.resolve("real.js"), "word");
    assertEquals(
        List.of("real.js"), hits("word", false, true).stream().map(h -> h.path()).toList());
    assertEquals(List.of("real.js"), search.names().paths());
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aRegexThatBacktracksForeverStopsAtTheDeadline() throws Exception {
    Files.writeString(workspace.resolve("evil.txt"), "x".repeat(30));
    WorkspaceSearch quick = new WorkspaceSearch(WorkspaceTree.of(workspace), 200);
    WorkspaceSearch.Found found = quick.search(SearchQuery.of("(.*x){20}y", true, true));
    assertTrue(found.truncated());
  }

  @Test
  void fileNamesAreListedWithoutToolsFolders() throws Exception {
    Files.createDirectories(workspace.resolve("src"));
    Files.writeString(workspace.resolve("src/app.ts"), "");
    Files.createDirectories(workspace.resolve("node_modules"));
    Files.writeString(workspace.resolve("node_modules/x.js"), "");
    assertEquals(List.of("src/app.ts"), search.names().paths());
  }
}
