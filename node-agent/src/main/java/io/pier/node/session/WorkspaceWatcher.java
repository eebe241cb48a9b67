package io.pier.node.session;

import io.pier.node.workspace.IgnoreList;
import io.pier.node.workspace.TreeWalk;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a workspace for changes made by anyone: IDE sessions and every process in the repl (the container writes
 * the same folder through its bind mount). Changes are coalesced for a short moment and delivered in batches, each
 * path once, with what it is now. Ignored folders ({@code node_modules}, …) are not watched. Folders are found and
 * watched through the workspace's {@link WorkspaceTree} (each watch is added on the folder the walk opened, never on
 * a path the repl could swap for a link), and what a changed path is now is asked of it too.
 */
public final class WorkspaceWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceWatcher.class);
  private final IgnoreList ignoreList;
  private final WorkspaceFiles files;
  private final Consumer<List<FileChange>> listener;
  private final WatchService watchService;
  private final Map<WatchKey, String> keys = new HashMap<>();

  /** Paths known to exist, files and folders: tells a creation from a modification, and what a deletion removes. */
  private final Set<String> known = new HashSet<>();

  private final Set<String> pending = new LinkedHashSet<>();
  private final WatchTicker ticker;
  private volatile boolean closed;

  /**
   * @param ticker the node's one thread that takes this workspace's events and reports its changes
   */
  public WorkspaceWatcher(
      Path root,
      IgnoreList ignoreList,
      WorkspaceFiles files,
      WatchTicker ticker,
      Consumer<List<FileChange>> listener)
      throws IOException {
    this.ignoreList = ignoreList;
    this.files = files;
    this.listener = listener;
    this.ticker = ticker;
    this.watchService = root.getFileSystem().newWatchService();
    synchronized (this) {
      watchFolder("", false);
    }
    ticker.add(this);
  }

  /**
   * Takes the events queued since the last tick and reports what changed. Only the ticker's thread calls it; the
   * lock orders it after the first walk.
   */
  void tick() {
    if (closed) return;
    List<FileChange> changes;
    synchronized (this) {
      try {
        for (WatchKey key = watchService.poll(); key != null; key = watchService.poll()) {
          handle(key);
        }
      } catch (ClosedWatchServiceException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("watching {} failed once: {}", files.tree().root(), e.toString());
      }
      changes = changes();
    }
    if (!changes.isEmpty()) {
      try {
        listener.accept(changes);
      } catch (RuntimeException e) {
        LOG.warn("a file change listener failed", e);
      }
    }
  }

  private void handle(WatchKey key) {
    String dir = keys.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (dir == null) continue;
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        rescan();
        continue;
      }
      String name = event.context().toString();
      String relative = dir.isEmpty() ? name : dir + "/" + name;
      if (relative.endsWith(WorkspaceTree.TEMP_SUFFIX) || ignoreList.ignores(relative)) continue;
      pending.add(relative);
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
          && files.kindOf(relative).orElse(null) == Kind.DIR) {
        // Files may land in a new folder before it is watched: take them from a walk.
        watchFolder(relative, true);
      }
    }
    if (!key.reset()) keys.remove(key);
  }

  private List<FileChange> changes() {
    if (pending.isEmpty()) return List.of();
    List<FileChange> changes = new ArrayList<>();
    for (String relative : pending) {
      Optional<Kind> kind = files.kindOf(relative);
      boolean directory = kind.orElse(null) == Kind.DIR;
      String type = directory ? "dir" : "file";
      if (kind.isPresent()) {
        boolean created = known.add(relative);
        if (directory && !created) continue;
        changes.add(
            new FileChange(
                relative,
                type,
                created ? "created" : "modified",
                kind.get() == Kind.FILE ? files.versionOf(relative) : null));
      } else if (known.remove(relative)) {
        boolean wasDirectory = known.removeIf(k -> k.startsWith(relative + "/"));
        changes.add(new FileChange(relative, wasDirectory ? "dir" : "file", "deleted", null));
      }
    }
    pending.clear();
    return changes;
  }

  /**
   * After an overflow (events were lost, as when thousands of files appear at once): every path there is now and
   * every path known before is looked at again, so that what was created, changed or deleted is reported.
   */
  private void rescan() {
    Set<String> before = new HashSet<>(known);
    watchFolder("", true);
    pending.addAll(before);
  }

  /** Watches a folder and everything below it; {@code reportContents} when it just appeared with files in it. */
  private void watchFolder(String relative, boolean reportContents) {
    try {
      files.tree().withOpenDir(relative, open -> watch(open, relative));
      files.walk(relative, visitorFor(reportContents));
    } catch (RuntimeException e) {
      // Gone already, or swapped for a link: nothing of it is watched.
      LOG.debug("cannot watch {}: {}", relative, e.getMessage());
    }
    if (!relative.isEmpty()) known.add(relative);
  }

  private TreeWalk.Visitor visitorFor(boolean reportContents) {
    return new TreeWalk.Visitor() {
      @Override
      public boolean directory(String path, Path open) {
        if (ignoreList.ignores(path)) return false;
        watch(open, path);
        if (reportContents) {
          pending.add(path);
        } else {
          known.add(path);
        }
        return true;
      }

      @Override
      public void file(String path, Stat stat) {
        if (ignoreList.ignores(path)) return;
        if (reportContents) {
          pending.add(path);
        } else {
          known.add(path);
        }
      }

      @Override
      public void other(String path, Kind kind) {
        file(path, null);
      }
    };
  }

  /** Adds a watch on the folder that {@code open} names now. */
  private Void watch(Path open, String relative) {
    try {
      keys.put(
          open.register(
              watchService,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_DELETE,
              StandardWatchEventKinds.ENTRY_MODIFY),
          relative);
    } catch (IOException e) {
      LOG.debug("cannot watch {}: {}", relative, e.getMessage());
    }
    return null;
  }

  @Override
  public void close() {
    closed = true;
    ticker.remove(this);
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service", e);
    }
  }
}
