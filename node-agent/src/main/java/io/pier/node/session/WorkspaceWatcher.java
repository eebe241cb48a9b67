package io.pier.node.session;

import io.pier.node.workspace.IgnoreList;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a workspace for changes made by anyone: IDE sessions and every process in the repl (the container writes
 * the same folder through its bind mount). Changes are coalesced for a short moment and delivered in batches, each
 * path once, with what it is now. Ignored folders ({@code node_modules}, …) are not watched.
 */
public final class WorkspaceWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceWatcher.class);
  private static final long BATCH_MS = 150;
  private static final String TEMP_SUFFIX = ".pier-tmp";

  private final Path root;
  private final IgnoreList ignoreList;
  private final WorkspaceFiles files;
  private final Consumer<List<FileChange>> listener;
  private final WatchService watchService;
  private final Map<WatchKey, Path> keys = new HashMap<>();
  /** Paths known to exist, files and folders: tells a creation from a modification, and what a deletion removes. */
  private final Set<String> known = new HashSet<>();
  private final Set<String> pending = new LinkedHashSet<>();
  private final Thread thread;
  private volatile boolean closed;

  public WorkspaceWatcher(Path root, IgnoreList ignoreList, WorkspaceFiles files, Consumer<List<FileChange>> listener)
      throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.ignoreList = ignoreList;
    this.files = files;
    this.listener = listener;
    this.watchService = root.getFileSystem().newWatchService();
    registerTree(this.root, false);
    this.thread = new Thread(this::loop, "watch-" + root.getFileName());
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void loop() {
    long nextFlush = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BATCH_MS);
    while (!closed) {
      try {
        WatchKey key = watchService.poll(BATCH_MS, TimeUnit.MILLISECONDS);
        if (key != null) {
          handle(key);
        }
        if (System.nanoTime() >= nextFlush) {
          flush();
          nextFlush = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BATCH_MS);
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("watching {} failed once: {}", root, e.toString());
      }
    }
  }

  private void handle(WatchKey key) {
    Path dir = keys.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (dir == null) continue;
      if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
        rescan();
        continue;
      }
      Path child = dir.resolve((Path) event.context());
      String relative = relative(child);
      if (relative.endsWith(TEMP_SUFFIX) || ignoreList.ignores(relative)) continue;
      pending.add(relative);
      if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
        // Files may land in a new folder before it is watched: take them from a walk.
        registerTree(child, true);
      }
    }
    if (!key.reset()) keys.remove(key);
  }

  private void flush() {
    if (pending.isEmpty()) return;
    List<FileChange> changes = new ArrayList<>();
    for (String relative : pending) {
      Path p = root.resolve(relative);
      boolean exists = Files.exists(p, LinkOption.NOFOLLOW_LINKS);
      boolean directory = exists && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
      String type = directory ? "dir" : "file";
      if (exists) {
        boolean created = known.add(relative);
        if (directory && !created) continue;
        changes.add(new FileChange(relative, type, created ? "created" : "modified",
            directory ? null : files.versionOf(p)));
      } else if (known.remove(relative)) {
        boolean wasDirectory = known.removeIf(k -> k.startsWith(relative + "/"));
        changes.add(new FileChange(relative, wasDirectory ? "dir" : "file", "deleted", null));
      }
    }
    pending.clear();
    if (!changes.isEmpty()) {
      try {
        listener.accept(changes);
      } catch (RuntimeException e) {
        LOG.warn("a file change listener failed", e);
      }
    }
  }

  private void rescan() {
    Set<String> before = new HashSet<>(known);
    registerTree(root, false);
    pending.addAll(before);
  }

  private void registerTree(Path start, boolean reportContents) {
    try {
      Files.walkFileTree(start, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          String relative = relative(d);
          if (!d.equals(root) && ignoreList.ignores(relative)) return FileVisitResult.SKIP_SUBTREE;
          keys.put(d.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY), d);
          if (!d.equals(root)) {
            if (reportContents && !d.equals(start)) pending.add(relative);
            if (!reportContents || d.equals(start)) known.add(relative);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
          String relative = relative(f);
          if (relative.endsWith(TEMP_SUFFIX) || ignoreList.ignores(relative)) return FileVisitResult.CONTINUE;
          if (reportContents) {
            pending.add(relative);
          } else {
            known.add(relative);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("cannot watch {}: {}", start, e.getMessage());
    }
  }

  private String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  @Override
  public void close() {
    closed = true;
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service", e);
    }
  }
}
