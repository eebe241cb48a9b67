package io.pier.node.workspace;

import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * Moves a repl's files between storage ({@code repls/<slug>/files/...}) and its workspace folder on this node.
 * Blocking; transfers run in parallel on the given executor.
 */
public final class WorkspaceSync {
  private final ObjectStore store;
  private final ExecutorService transfers;
  public WorkspaceSync(ObjectStore store, ExecutorService transfers) {
    this.store = store;
    this.transfers = transfers;
  }

  /** True when storage holds the repl's metadata, so the repl exists and was not deleted. */
  public boolean isStored(String slug) {
    return store.get(StorageLayout.replMetadata(slug)).isPresent();
  }

  /**
   * Downloads every stored file of the repl into {@code dir}, which must be empty or absent.
   *
   * @return the state of the workspace right after, for {@link #flush}
   */
  public Snapshot restore(String slug, Path dir) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = store.get(prefix + IgnoreList.FILE_NAME)
        .map(bytes -> IgnoreList.DEFAULT.plus(new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines().toList()))
        .orElse(IgnoreList.DEFAULT);
    try {
      Files.createDirectories(dir);
      List<Future<?>> pending = new ArrayList<>();
      for (ObjectStore.ObjectInfo object : store.list(prefix)) {
        String relative = object.key().substring(prefix.length());
        if (relative.isEmpty() || relative.endsWith("/") || ignoreList.ignores(relative)) continue;
        Path target = Workspaces.resolveInside(dir, relative);
        pending.add(transfers.submit(() -> {
          Files.createDirectories(target.getParent());
          store.download(object.key(), target);
          return null;
        }));
      }
      awaitAll(pending);
      return Snapshot.of(dir, ignoreList);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Makes storage hold exactly what the workspace holds (less ignored paths): uploads files that are new or changed
   * since {@code since} (all of them when it is null) and deletes stored files that are no longer there.
   *
   * @return the state of the workspace that storage now holds
   */
  public Snapshot flush(String slug, Path dir, Snapshot since) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = IgnoreList.forWorkspace(dir);
    Snapshot now = Snapshot.of(dir, ignoreList);
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<String, FileStamp> file : now.files().entrySet()) {
      if (since != null && file.getValue().equals(since.files().get(file.getKey()))) continue;
      Path source = dir.resolve(file.getKey());
      pending.add(transfers.submit(() -> {
        store.putFile(prefix + file.getKey(), source);
        return null;
      }));
    }
    for (ObjectStore.ObjectInfo stored : store.list(prefix)) {
      String relative = stored.key().substring(prefix.length());
      if (!now.files().containsKey(relative) && !ignoreList.ignores(relative)) {
        pending.add(transfers.submit(() -> {
          store.delete(stored.key());
          return null;
        }));
      }
    }
    awaitAll(pending);
    return now;
  }

  /**
   * Brings storage up to date after this node lost track (its agent died): uploads the {@code journalled} paths and
   * every file whose stored copy is missing or differs (by size, then by MD5 against the object's entity tag), deletes
   * what the workspace no longer has. Cheaper than a full {@link #flush} with no snapshot, which uploads everything.
   *
   * @return the state of the workspace that storage now holds
   */
  public Snapshot recover(String slug, Path dir, java.util.Set<String> journalled) {
    return compareAndUpload(slug, dir, journalled, StorageLayout.replFiles(slug), true).snapshot();
  }

  /**
   * Keeps what this node has that storage lacks, without touching the repl's files: for a repl that meanwhile runs
   * on another node (this one lost it), whose newer files must not be overwritten. Changed and journalled files go
   * to {@code repls/<slug>/recovered/<label>/}, where the user can take them back.
   *
   * @return how many files were kept
   */
  public int keepAside(String slug, Path dir, java.util.Set<String> journalled, String label) {
    return compareAndUpload(slug, dir, journalled, StorageLayout.repl(slug) + "recovered/" + label + "/", false)
        .uploaded();
  }

  private record Comparison(Snapshot snapshot, int uploaded) {
  }

  private Comparison compareAndUpload(String slug, Path dir, java.util.Set<String> journalled, String target,
                                    boolean deleteMissing) {
    String prefix = StorageLayout.replFiles(slug);
    Snapshot now = Snapshot.of(dir, IgnoreList.forWorkspace(dir));
    Map<String, ObjectStore.ObjectInfo> storedObjects = new HashMap<>();
    for (ObjectStore.ObjectInfo o : store.list(prefix)) storedObjects.put(o.key().substring(prefix.length()), o);
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<String, FileStamp> file : now.files().entrySet()) {
      ObjectStore.ObjectInfo stored = storedObjects.remove(file.getKey());
      if (stored != null && !journalled.contains(file.getKey()) && sameContent(stored, dir.resolve(file.getKey()),
          file.getValue())) {
        continue;
      }
      pending.add(transfers.submit(() -> {
        store.putFile(target + file.getKey(), dir.resolve(file.getKey()));
        return null;
      }));
    }
    IgnoreList ignoreList = IgnoreList.forWorkspace(dir);
    int deletions = 0;
    for (String gone : deleteMissing ? storedObjects.keySet() : java.util.Set.<String>of()) {
      if (ignoreList.ignores(gone)) continue;
      deletions++;
      pending.add(transfers.submit(() -> {
        store.delete(prefix + gone);
        return null;
      }));
    }
    int uploaded = pending.size();
    awaitAll(pending);
    return new Comparison(now, uploaded - (deleteMissing ? deletions : 0));
  }

  private static boolean sameContent(ObjectStore.ObjectInfo stored, Path file, FileStamp stamp) {
    if (stored.size() != stamp.size()) return false;
    if (!stored.etagIsMd5()) return true;
    try (var in = Files.newInputStream(file)) {
      var md5 = java.security.MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) md5.update(buffer, 0, n);
      return java.util.HexFormat.of().formatHex(md5.digest()).equalsIgnoreCase(stored.etag());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      return false;
    }
  }

  private static void awaitAll(List<Future<?>> pending) {
    RuntimeException first = null;
    for (Future<?> f : pending) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while transferring files", e);
      }
    }
    if (first != null) throw first;
  }

  /** Size and modification time of one file: a change in either means the file changed. */
  public record FileStamp(long size, long modifiedMillis) {
  }

  /** The regular files of a workspace (symbolic links are not followed or stored) and their stamps. */
  public record Snapshot(Map<String, FileStamp> files) {
    static Snapshot of(Path dir, IgnoreList ignoreList) {
      Map<String, FileStamp> files = new HashMap<>();
      try {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            if (!d.equals(dir) && ignoreList.ignores(relative(dir, d))) return FileVisitResult.SKIP_SUBTREE;
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String relative = relative(dir, file);
            if (attrs.isRegularFile() && !ignoreList.ignores(relative) && !relative.endsWith(".pier-tmp")) {
              files.put(relative, new FileStamp(attrs.size(), attrs.lastModifiedTime().toMillis()));
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Snapshot(Map.copyOf(files));
    }

    private static String relative(Path dir, Path p) {
      return dir.relativize(p).toString().replace('\\', '/');
    }
  }
}
