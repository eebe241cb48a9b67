package io.pier.node.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which workspace paths are never synced to storage: dependency folders, build outputs and caches that a repl
 * rebuilds. An entry without {@code /} ignores every path with a segment of that name ({@code node_modules});
 * an entry with one ignores that path and everything under it ({@code web/dist}).
 */
public final class IgnoreList {
  /** The file in a repl's workspace whose lines extend the default list. */
  public static final String FILE_NAME = ".pierignore";

  /** What every repl ignores. */
  public static final IgnoreList DEFAULT =
      new IgnoreList(
          Set.of(
              "node_modules",
              "__pycache__",
              ".cache",
              ".npm",
              ".venv",
              "venv",
              ".pytest_cache",
              ".mypy_cache",
              ".gradle",
              ".next",
              ".parcel-cache",
              ".turbo"),
          Set.of());

  private final Set<String> names;
  private final Set<String> paths;

  private IgnoreList(Set<String> names, Set<String> paths) {
    this.names = Set.copyOf(names);
    this.paths = Set.copyOf(paths);
  }

  /** The longest {@code .pierignore} read; the rest of a longer one is not. */
  static final int MAX_FILE_BYTES = 64 * 1024;

  /**
   * The default list plus the workspace's {@code .pierignore} when it is a regular file (a link, FIFO or folder of
   * that name is not read, and the default list stays).
   */
  public static IgnoreList forWorkspace(WorkspaceTree tree) {
    byte[] content;
    try (OpenFile file = tree.open(FILE_NAME)) {
      content = file.stream().readNBytes(MAX_FILE_BYTES);
    } catch (WorkspaceAccessException | IOException e) {
      return DEFAULT;
    }
    return DEFAULT.plus(content);
  }

  /** This list plus a {@code .pierignore} file's bytes; bytes that are not UTF-8 are read as U+FFFD, never refused. */
  public IgnoreList plus(byte[] fileContent) {
    return plus(new String(fileContent, StandardCharsets.UTF_8).lines().toList());
  }

  /** This list plus {@code lines} in {@code .pierignore} form: blank lines and {@code #} comments are skipped. */
  public IgnoreList plus(List<String> lines) {
    Set<String> moreNames = new HashSet<>(names);
    Set<String> morePaths = new HashSet<>(paths);
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      while (line.startsWith("/")) line = line.substring(1);
      while (line.endsWith("/")) line = line.substring(0, line.length() - 1);
      if (line.isEmpty() || line.contains("..")) continue;
      (line.contains("/") ? morePaths : moreNames).add(line);
    }
    return new IgnoreList(moreNames, morePaths);
  }

  /** @param relativePath a path relative to the workspace, with {@code /} separators */
  public boolean ignores(String relativePath) {
    for (String segment : relativePath.split("/")) {
      if (names.contains(segment)) return true;
    }
    for (String path : paths) {
      if (relativePath.equals(path) || relativePath.startsWith(path + "/")) return true;
    }
    return false;
  }
}
