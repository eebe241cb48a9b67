package io.pier.node.workspace;

import io.pier.common.store.ObjectStore;
import io.pier.common.store.StorageKeys;
import io.pier.common.store.StorageLayout;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
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
   * workspace paths (written by older versions, or by hand) are skipped and logged. Downloads start as the first page
   * of the listing arrives; the files are written without an {@code fsync} each and put on disk together at the end,
   * before this returns.
   *
   * @return the state of the workspace right after, for {@link #flush}
   */
  public WorkspaceSnapshot restore(String slug, WorkspaceTree tree) {
    String prefix = StorageLayout.replFiles(slug);
    // The ignore file is read while the listing is asked for, not before it: one round trip to
    // storage less on every start.
    Future<IgnoreList> ignoring =
        transfers.submit(
            () ->
                store
                    .get(prefix + IgnoreList.FILE_NAME)
                    .map(IgnoreList.DEFAULT::plus)
                    .orElse(IgnoreList.DEFAULT));
    List<Future<?>> pending = new ArrayList<>();
    try {
      store.listEach(
          prefix,
          object -> {
            String relative = object.key().substring(prefix.length());
            if (relative.isEmpty() || relative.endsWith("/") || result(ignoring).ignores(relative))
              return;
            Optional<String> problem = StorageKeys.problem(prefix, relative);
            if (problem.isPresent()) {
              LOG.warn("{}: not restoring stored object {}: {}", slug, object.key(), problem.get());
              return;
            }
            pending.add(transfers.submit(() -> download(slug, tree, object.key(), relative)));
          });
    } finally {
      // A listing that fails half-way leaves no download running into the workspace behind it.
      pending.add(ignoring);
      awaitAll(pending);
    }
    tree.syncAll();
    return WorkspaceSnapshot.of(tree, result(ignoring), prefix);
  }

  /** What a transfer gives once it ends; its failure thrown as it was. */
  private static <T> T result(Future<T> transfer) {
    try {
      return transfer.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re
          ? re
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while transferring files", e);
    }
  }

  /** Writes one stored object to the workspace, not yet on disk (the restore syncs them all). */
  private Void download(String slug, WorkspaceTree tree, String key, String relative)
      throws IOException {
    try (InputStream in =
        store
            .openStream(key)
            .orElseThrow(
                () ->
                    new IllegalStateException(key + " vanished from storage during the restore"))) {
      tree.write(relative, in, true, false);
    } catch (WorkspaceAccessException e) {
      // Two stored paths that cannot both be (a file "a" and a file "a/b"): keep the first, say so.
      if (e.reason() == WorkspaceAccessException.Reason.DISK_FULL) throw e;
      LOG.warn("{}: not restoring {}: {}", slug, relative, e.getMessage());
    }
    return null;
  }

  /**
   * Makes storage hold exactly what the workspace holds (less ignored and unstorable paths): uploads files that are
   * new or changed since {@code since} (all of them when it is null) and deletes stored files that are no longer
   * there.
   *
   * @return the state of the workspace that storage now holds, with what could not be stored
   */
  public WorkspaceSnapshot flush(String slug, WorkspaceTree tree, WorkspaceSnapshot since) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = IgnoreList.forWorkspace(tree);
    WorkspaceSnapshot now = WorkspaceSnapshot.of(tree, ignoreList, prefix);
    Map<String, String> refused = new ConcurrentHashMap<>(now.refused());
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<String, FileStamp> file : now.files().entrySet()) {
      if (since != null && file.getValue().equals(since.files().get(file.getKey()))) continue;
      pending.add(
          transfers.submit(() -> upload(tree, file.getKey(), prefix + file.getKey(), refused)));
    }
    for (ObjectStore.ObjectInfo stored : store.list(prefix)) {
      String relative = stored.key().substring(prefix.length());
      if (!now.files().containsKey(relative) && !ignoreList.ignores(relative)) {
        pending.add(
            transfers.submit(
                () -> {
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
  public WorkspaceSnapshot recover(String slug, WorkspaceTree tree, Set<String> journalled) {
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
    return compareAndUpload(
            slug, tree, journalled, StorageLayout.repl(slug) + "recovered/" + label + "/", false)
        .uploaded();
  }

  private record Comparison(WorkspaceSnapshot snapshot, int uploaded) {}

  private Comparison compareAndUpload(
      String slug,
      WorkspaceTree tree,
      Set<String> journalled,
      String target,
      boolean deleteMissing) {
    String prefix = StorageLayout.replFiles(slug);
    IgnoreList ignoreList = IgnoreList.forWorkspace(tree);
    WorkspaceSnapshot now = WorkspaceSnapshot.of(tree, ignoreList, target);
    Map<String, ObjectStore.ObjectInfo> storedObjects = new HashMap<>();
    for (ObjectStore.ObjectInfo o : store.list(prefix))
      storedObjects.put(o.key().substring(prefix.length()), o);
    Map<String, String> refused = new ConcurrentHashMap<>(now.refused());
    List<Future<?>> pending = new ArrayList<>();
    for (Map.Entry<String, FileStamp> file : now.files().entrySet()) {
      ObjectStore.ObjectInfo stored = storedObjects.remove(file.getKey());
      boolean same =
          stored != null
              && !journalled.contains(file.getKey())
              && Uploads.sameContent(stored, tree, file.getKey());
      if (same) continue;
      pending.add(
          transfers.submit(() -> upload(tree, file.getKey(), target + file.getKey(), refused)));
    }
    int uploads = pending.size();
    for (String gone : deleteMissing ? storedObjects.keySet() : Set.<String>of()) {
      if (ignoreList.ignores(gone)) continue;
      pending.add(
          transfers.submit(
              () -> {
                store.delete(prefix + gone);
                return null;
              }));
    }
    awaitAll(pending);
    if (!refused.isEmpty()) LOG.warn("{}: not stored: {}", slug, PathReports.describe(refused));
    return new Comparison(now.without(refused), uploads);
  }

  /** Uploads one file as it is now; what can never be stored lands in {@code refused}. */
  private Void upload(
      WorkspaceTree tree, String relative, String key, Map<String, String> refused) {
    try {
      Uploads.upload(store, tree, relative, key);
    } catch (ObjectStore.Refused e) {
      refused.put(relative, e.getMessage());
    } catch (WorkspaceAccessException e) {
      // Gone, or no longer a regular file, since the walk: the next change or flush sees what it is
      // now.
      if (e.reason() == WorkspaceAccessException.Reason.IO) throw e;
    }
    return null;
  }

  /** Waits for every transfer; then throws the first failure, or at once when interrupted. */
  private static void awaitAll(List<? extends Future<?>> pending) {
    RuntimeException first = null;
    for (Future<?> f : pending) {
      try {
        result(f);
      } catch (RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) throw e;
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
