package io.pier.node.session;

import io.pier.node.workspace.OpenFile;
import io.pier.node.workspace.TreeWalk;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Finding things in a workspace ({@code fs.search}, {@code fs.files}): a {@link TreeWalk} of it, so that no link is
 * followed and no FIFO, socket or device is opened, and files are opened through {@link WorkspaceTree#open}, which
 * refuses anything but a regular file reached without a link. Bounded: hits, files' sizes, preview lengths, names
 * listed and time; a search that reaches a bound answers what it found with {@code truncated}.
 */
final class WorkspaceSearch {
  static final int MAX_HITS = 1_000;
  static final int MAX_NAMES = 20_000;
  static final long MAX_FILE_BYTES = 1024 * 1024;
  static final int MAX_PREVIEW_CHARS = 200;
  static final long MAX_MILLIS = 5_000;

  /** Folders of tools and dependencies, never searched. */
  static final Set<String> SKIPPED =
      Set.of(
          "node_modules",
          ".git",
          ".hg",
          ".svn",
          "__pycache__",
          ".venv",
          "venv",
          ".cache",
          ".next",
          "target",
          "dist",
          "build");

  /** Bytes read to tell a binary file (one with a NUL) from text, as grep does. */
  private static final int BINARY_PROBE = 8 * 1024;

  /** {@code previewColumn}: where the match starts in {@code preview}, which may start after the line's start. */
  record Hit(String path, int line, int column, int length, String preview, int previewColumn) {}

  record Found(List<Hit> hits, boolean truncated) {}

  record Names(List<String> paths, boolean truncated) {}

  private final WorkspaceTree tree;
  private final long maxMillis;

  WorkspaceSearch(WorkspaceTree tree) {
    this(tree, MAX_MILLIS);
  }

  WorkspaceSearch(WorkspaceTree tree, long maxMillis) {
    this.tree = tree;
    this.maxMillis = maxMillis;
  }

  Found search(SearchQuery query) {
    SearchDeadline deadline = new SearchDeadline(maxMillis);
    List<Hit> hits = new ArrayList<>();
    boolean[] truncated = {false};
    walk(
        deadline,
        (path, stat) -> {
          if (hits.size() > MAX_HITS) throw new SearchDeadline.Passed();
          if (stat.size() > MAX_FILE_BYTES) return;
          String text = text(path);
          if (text != null && query.mayMatch(text, deadline))
            scan(path, text, query, deadline, hits);
        },
        truncated);
    if (hits.size() > MAX_HITS) {
      truncated[0] = true;
      return new Found(List.copyOf(hits.subList(0, MAX_HITS)), true);
    }
    return new Found(hits, truncated[0]);
  }

  Names names() {
    SearchDeadline deadline = new SearchDeadline(maxMillis);
    List<String> paths = new ArrayList<>();
    boolean[] truncated = {false};
    walk(
        deadline,
        (path, stat) -> {
          if (paths.size() >= MAX_NAMES) {
            truncated[0] = true;
            throw new SearchDeadline.Passed();
          }
          paths.add(path);
        },
        truncated);
    return new Names(paths, truncated[0]);
  }

  private interface FileVisit {
    void file(String path, Stat stat);
  }

  /** Walks the tree, skipping tools' folders, until done or a bound ends it. */
  private void walk(SearchDeadline deadline, FileVisit visit, boolean[] truncated) {
    try {
      tree.walk(
          new TreeWalk.Visitor() {
            @Override
            public boolean directory(String path, Path open) {
              deadline.check();
              return !SKIPPED.contains(path.substring(path.lastIndexOf('/') + 1));
            }

            @Override
            public void file(String path, Stat stat) {
              deadline.tick();
              visit.file(path, stat);
            }
          });
    } catch (SearchDeadline.Passed stop) {
      truncated[0] = true;
    } catch (WorkspaceAccessException e) {
      throw new SessionException("io_error", "the workspace cannot be searched: " + e.getMessage());
    }
  }

  /** The file's text, or null when it is binary, not a regular file any more, or gone. */
  private String text(String path) {
    byte[] bytes;
    try (OpenFile file = tree.open(path)) {
      if (file.size() > MAX_FILE_BYTES) return null;
      bytes = file.stream().readNBytes((int) MAX_FILE_BYTES);
    } catch (WorkspaceAccessException | IOException e) {
      return null;
    }
    for (int i = 0, end = Math.min(bytes.length, BINARY_PROBE); i < end; i++) {
      if (bytes[i] == 0) return null;
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void scan(
      String path, String text, SearchQuery query, SearchDeadline deadline, List<Hit> hits) {
    int lineNumber = 0;
    int start = 0;
    while (start <= text.length() && hits.size() <= MAX_HITS) {
      int end = text.indexOf('\n', start);
      if (end < 0) end = text.length();
      lineNumber++;
      String line =
          text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
      Matcher m = query.matcher(line, deadline);
      while (m.find() && hits.size() <= MAX_HITS) {
        if (m.end() == m.start()) break;
        int from = previewStart(line, m.start());
        String preview = line.substring(from, Math.min(line.length(), from + MAX_PREVIEW_CHARS));
        hits.add(
            new Hit(path, lineNumber, m.start(), m.end() - m.start(), preview, m.start() - from));
      }
      if (end == text.length()) break;
      start = end + 1;
    }
  }

  /** Where a match's preview starts: after leading spaces, and shortly before a match far into a long line. */
  static int previewStart(String line, int column) {
    int from = 0;
    while (from < column && Character.isWhitespace(line.charAt(from))) from++;
    if (column - from > MAX_PREVIEW_CHARS / 2) from = column - MAX_PREVIEW_CHARS / 4;
    return from;
  }
}
