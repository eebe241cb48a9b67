package io.pier.node.workspace;

import java.util.List;
import java.util.Set;

/**
 * Which workspace paths are never synced to storage: dependency folders and caches that a repl rebuilds.
 * A path is ignored when any of its segments is on the list.
 */
public final class IgnoreList {
  /** What every repl ignores unless told otherwise. */
  public static final IgnoreList DEFAULT = new IgnoreList(
      Set.of("node_modules", "__pycache__", ".cache", ".npm", ".venv", ".pytest_cache"));

  private final Set<String> segments;

  public IgnoreList(Set<String> segments) {
    this.segments = Set.copyOf(segments);
  }

  /** @param relativePath a path relative to the workspace, with {@code /} separators */
  public boolean ignores(String relativePath) {
    for (String segment : List.of(relativePath.split("/"))) {
      if (segments.contains(segment)) return true;
    }
    return false;
  }
}
