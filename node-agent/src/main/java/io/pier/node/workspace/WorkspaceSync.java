package io.pier.node.workspace;

import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageKeys;
import io.pier.common.store.StorageLayout;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a repl's files between storage ({@code repls/<slug>/files/...}) and its workspace on this node, through its
 * {@link WorkspaceTree} only. A path that cannot be a storage key ({@link StorageKeys}), or that storage refuses,
 * is skipped and named in the result, never retried. Blocking; transfers run in parallel on the given executor.
 */
public final class WorkspaceSync {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceSync.class);
  /** How many unsaved paths a result names; the rest are counted. */
  public static final int MAX_REPORTED = 100;

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
   * Downloads every stored file of the repl into the workspace, which must be empty. Stored keys that are not
   * workspace paths (written by older versions, or by hand) are skipped and logged.
   *
   * @return the state of the workspace right after, for {@link #flush}
   */
  public Snapshot restore(String slug, WorkspaceTree tree) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = store.get(prefix + IgnoreList.FILE_NAME).map(IgnoreList.DEFAULT::plus)
        .orElse(IgnoreList.DEFAULT);
    List<Future<?>> pending = new ArrayList<>();
    for (ObjectStore.ObjectInfo object : store.list(prefix)) {
      String relative = object.key().substring(prefix.length());
      if (relative.isEmpty() || relative.endsWith("/") || ignoreList.ignores(relative)) continue;
      Optional<String> problem = StorageKeys.problem(prefix, relative);
      if (problem.isPresent()) {
        LOG.warn("{}: not restoring stored object {}: {}", slug, object.key(), problem.get());
        continue;
      }
      pending.add(transfers.submit(() -> {
        try (InputStream in = store.openStream(object.key()).orElseThrow(
            () -> new IllegalStateException(object.key() + " vanished from storage during the restore"))) {
          tree.write(relative, in, true);
        } catch (WorkspaceAccessException e) {
          // Two stored paths that cannot both be (a file "a" and a file "a/b"): keep the first, say so.
          if (e.reason() == WorkspaceAccessException.Reason.DISK_FULL) throw e;
          LOG.warn("{}: not restoring {}: {}", slug, relative, e.getMessage());
        }
        return null;
      }));
    }
    awaitAll(pending);
    return Snapshot.of(tree, ignoreList, prefix);
  }

  /**
   * Makes storage hold exactly what the workspace holds (less ignored and unstorable paths): uploads files that are
   * new or changed since {@code since} (all of them when it is null) and deletes stored files that are no longer
   * there.
   *
   * @return the state of the workspace that storage now holds, with what could not be stored
   */
  public Snapshot flush(String slug, WorkspaceTree tree, Snapshot since) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = IgnoreList.forWorkspace(tree);
    Snapshot now = Snapshot.of(tree, ignoreList, prefix);
    Map<String, String> refused = new ConcurrentHashMap<>(now.refused());
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<String, FileStamp> file : now.files().entrySet()) {
      if (since != null && file.getValue().equals(since.files().get(file.getKey()))) continue;
      pending.add(transfers.submit(() -> upload(tree, file.getKey(), prefix + file.getKey(), refused)));
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
    return now.without(refused);
  }

  /**
   * Brings storage up to date after this node lost track (its agent died): uploads the {@code journalled} paths and
   * every file whose stored copy is missing or differs (by size, then by MD5 against the object's entity tag), deletes
   * what the workspace no longer has. Cheaper than a full {@link #flush} with no snapshot, which uploads everything.
   *
   * @return the state of the workspace that storage now holds
   */
  public Snapshot recover(String slug, WorkspaceTree tree, Set<String> journalled) {
    return compareAndUpload(slug, tree, journalled, StorageLayout.replFiles(slug), true).snapshot();
  }

  /**
   * Keeps what this node has that storage lacks, without touching the repl's files: for a repl that meanwhile runs
   * on another node (this one lost it), whose newer files must not be overwritten. Changed and journalled files go
   * to {@code repls/<slug>/recovered/<label>/}, where the user can take them back.
   *
   * @return how many files were kept
   */
  public int keepAside(String slug, WorkspaceTree tree, Set<String> journalled, String label) {
    return compareAndUpload(slug, tree, journalled, StorageLayout.repl(slug) + "recovered/" + label + "/", false)
        .uploaded();
  }

  private record Comparison(Snapshot snapshot, int uploaded) {
  }

  private Comparison compareAndUpload(String slug, WorkspaceTree tree, Set<String> journalled, String target,
                                      boolean deleteMissing) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = IgnoreList.forWorkspace(tree);
    Snapshot now = Snapshot.of(tree, ignoreList, target);
    Map<String, ObjectStore.ObjectInfo> storedObjects = new HashMap<>();
    for (ObjectStore.ObjectInfo o : store.list(prefix)) storedObjects.put(o.key().substring(prefix.length()), o);
    Map<String, String> refused = new ConcurrentHashMap<>(now.refused());
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<String, FileStamp> file : now.files().entrySet()) {
      ObjectStore.ObjectInfo stored = storedObjects.remove(file.getKey());
      if (stored != null && !journalled.contains(file.getKey()) && sameContent(stored, tree, file.getKey())) continue;
      pending.add(transfers.submit(() -> upload(tree, file.getKey(), target + file.getKey(), refused)));
    }
    int uploads = pending.size();
    for (String gone : deleteMissing ? storedObjects.keySet() : Set.<String>of()) {
      if (ignoreList.ignores(gone)) continue;
      pending.add(transfers.submit(() -> {
        store.delete(prefix + gone);
        return null;
      }));
    }
    awaitAll(pending);
    if (!refused.isEmpty()) LOG.warn("{}: not stored: {}", slug, describe(refused));
    return new Comparison(now.without(refused), uploads);
  }

  /** Uploads one file as it is now; what can never be stored lands in {@code refused}. */
  private Void upload(WorkspaceTree tree, String relative, String key, Map<String, String> refused) {
    try {
      upload(store, tree, relative, key);
    } catch (ObjectStore.Refused e) {
      refused.put(relative, e.getMessage());
    } catch (WorkspaceAccessException e) {
      // Gone, or no longer a regular file, since the walk: the next change or flush sees what it is now.
      if (e.reason() == WorkspaceAccessException.Reason.IO) throw e;
    }
    return null;
  }

  /**
   * Stores the regular file {@code relative} of the tree under {@code key}. The storage client may ask for the
   * content more than once (to sign it, to retry): the first time it reads the file opened here, each later time the
   * file opened again; every file opened is closed before this returns.
   *
   * @return what the file was when it was opened
   * @throws ObjectStore.Refused when storage refuses the key or content for good
   * @throws WorkspaceAccessException when the path is not a regular file of the tree
   */
  static FileStamp upload(ObjectStore store, WorkspaceTree tree, String relative, String key) {
    List<OpenFile> opened = new ArrayList<>();
    try {
      OpenFile file = tree.open(relative);
      opened.add(file);
      store.putStream(key, file.size(), () -> {
        synchronized (opened) {
          OpenFile next = opened.size() == 1 && !file.streamTaken() ? file : tree.open(relative);
          if (next != file) opened.add(next);
          return next.takeStream();
        }
      });
      return new FileStamp(file.size(), file.modifiedMillis());
    } finally {
      synchronized (opened) {
        opened.forEach(OpenFile::close);
      }
    }
  }

  private static boolean sameContent(ObjectStore.ObjectInfo stored, WorkspaceTree tree, String relative) {
    if (!stored.etagIsMd5()) return true;
    try (OpenFile file = tree.open(relative)) {
      if (file.size() != stored.size()) return false;
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = file.stream().read(buffer)) > 0; ) md5.update(buffer, 0, n);
      return HexFormat.of().formatHex(md5.digest()).equalsIgnoreCase(stored.etag());
    } catch (IOException | NoSuchAlgorithmException | WorkspaceAccessException e) {
      return false;
    }
  }

  /** {@code path (reason), …}, at most {@link #MAX_REPORTED} of them. */
  public static String describe(Map<String, String> refused) {
    StringBuilder text = new StringBuilder();
    refused.entrySet().stream().limit(MAX_REPORTED).forEach(e -> text.append(text.isEmpty() ? "" : ", ")
        .append(printable(e.getKey())).append(" (").append(e.getValue()).append(')'));
    if (refused.size() > MAX_REPORTED) text.append(" and ").append(refused.size() - MAX_REPORTED).append(" more");
    return text.toString();
  }

  /** A path as it can stand in a log line or a JSON message: control characters escaped. */
  public static String printable(String path) {
    StringBuilder out = new StringBuilder(path.length());
    path.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        out.append(String.format("\\x%02x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
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
    static FileStamp of(Stat stat) {
      return new FileStamp(stat.size(), stat.modifiedMillis());
    }
  }

  /**
   * The regular files of a workspace that storage can hold, with their stamps (links and special files are neither
   * followed nor stored), and the paths that cannot be stored with why.
   */
  public record Snapshot(Map<String, FileStamp> files, Map<String, String> refused) {
    public Snapshot(Map<String, FileStamp> files) {
      this(files, Map.of());
    }

    /** The files found under {@code tree} whose keys under {@code prefix} are storable. */
    static Snapshot of(WorkspaceTree tree, IgnoreList ignoreList, String prefix) {
      Map<String, FileStamp> files = new HashMap<>();
      Map<String, String> refused = new LinkedHashMap<>();
      tree.walk(new TreeWalk.Visitor() {
        @Override
        public boolean directory(String path, Path open) {
          return !ignoreList.ignores(path);
        }

        @Override
        public void file(String path, Stat stat) {
          if (ignoreList.ignores(path)) return;
          Optional<String> problem = StorageKeys.problem(prefix, path);
          if (problem.isPresent()) {
            refused.put(path, problem.get());
          } else {
            files.put(path, FileStamp.of(stat));
          }
        }

        @Override
        public void refused(String path, String reason) {
          if (!ignoreList.ignores(path)) refused.put(path, reason);
        }
      });
      return new Snapshot(Map.copyOf(files), Map.copyOf(refused));
    }

    /** This snapshot less the files that could not be stored, which join {@link #refused}. */
    Snapshot without(Map<String, String> notStored) {
      if (notStored.isEmpty() || notStored.equals(refused)) return new Snapshot(files, Map.copyOf(notStored));
      Map<String, FileStamp> kept = new HashMap<>(files);
      kept.keySet().removeAll(notStored.keySet());
      return new Snapshot(Map.copyOf(kept), Map.copyOf(notStored));
    }
  }
}
