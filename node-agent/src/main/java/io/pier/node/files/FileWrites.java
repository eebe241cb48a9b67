package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.common.store.StorageKeys;
import io.pier.node.workspace.PathReports;
import io.pier.node.workspace.TreeWalk;
import io.pier.node.workspace.WorkspaceTree;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the programs' API changes in a workspace, all through its {@link WorkspaceTree} (no link followed, files made
 * the repl user's): uploads written to a temporary name and renamed into place, folders made, entries moved and
 * deleted. Each returns the paths it changed, for the write-behind journal. Names storage cannot hold are refused
 * before anything is written: saved here, they would be lost when the repl stops. Blocking; call on a worker thread.
 */
public final class FileWrites {
  /** The most files of a moved folder named to the journal one by one; a larger one is left to the watcher. */
  static final int MAX_JOURNALLED = 100_000;

  private final WorkspaceTree tree;
  private final String keyPrefix;

  /** @param keyPrefix the storage key prefix of the workspace's files */
  public FileWrites(WorkspaceTree tree, String keyPrefix) {
    this.tree = tree;
    this.keyPrefix = keyPrefix;
  }

  /** A file uploaded whole: what it became. */
  public record Upload(long bytes, boolean created) {}

  /**
   * Writes {@code body} to {@code path} atomically (a temporary name in the same folder, renamed over the old file;
   * a link or FIFO that had the name is replaced, never written through).
   *
   * @param parents make missing folders on the way; otherwise the parent must exist
   */
  public Upload upload(String path, boolean parents, InputStream body, long maxBytes) {
    requireStorable(path);
    if (!parents) requireParent(path);
    Optional<Stat> existing = tree.stat(path);
    if (existing.isPresent() && existing.get().kind() == Kind.DIR)
      throw new ApiException(409, "is_a_dir", "a folder is there: " + shown(path));
    LimitedInput limited = new LimitedInput(body, maxBytes, "the file");
    tree.write(path, limited, true);
    return new Upload(limited.count(), existing.isEmpty());
  }

  /** @return whether the folder was made (false: with {@code parents}, it existed) */
  public boolean mkdir(String path, boolean parents) {
    requireStorable(path);
    if (parents) {
      Optional<Stat> existing = tree.stat(path);
      if (existing.isPresent() && existing.get().kind() == Kind.DIR) return false;
    } else {
      requireParent(path);
    }
    tree.createDirectory(path);
    return true;
  }

  /**
   * Moves an entry (a link moves as the link it is) to a free name; missing folders of the target are made.
   *
   * @return the paths changed: both names, and the files of a moved folder
   */
  public List<String> move(String from, String to) {
    if (from.isEmpty() || to.isEmpty())
      throw new ApiException(400, "bad_path", "the workspace itself cannot move");
    if (to.equals(from) || to.startsWith(from + "/"))
      throw new ApiException(400, "bad_path", "cannot move " + shown(from) + " into itself");
    requireStorable(to);
    Stat stat =
        tree.stat(from)
            .orElseThrow(() -> new ApiException(404, "not_found", "no such file: " + shown(from)));
    tree.rename(from, to);
    List<String> changed = new ArrayList<>(List.of(from, to));
    if (stat.kind() == Kind.DIR) changed.addAll(filesBelow(to));
    return changed;
  }

  /** Deletes an entry; a folder with something in it only when {@code recursive}. */
  public void delete(String path, boolean recursive) {
    if (path.isEmpty())
      throw new ApiException(400, "bad_path", "the workspace itself cannot be deleted");
    Stat stat =
        tree.stat(path)
            .orElseThrow(() -> new ApiException(404, "not_found", "no such file: " + shown(path)));
    if (stat.kind() == Kind.DIR && !recursive && !tree.list(path, 1).isEmpty())
      throw new ApiException(
          409, "not_empty", shown(path) + " is not empty: delete it with ?recursive=true");
    tree.delete(path);
  }

  /** The regular files below a folder, as the write-behind journal needs them named. */
  List<String> filesBelow(String folder) {
    List<String> files = new ArrayList<>();
    try {
      tree.walk(
          folder,
          new TreeWalk.Visitor() {
            @Override
            public boolean directory(String path, Path open) {
              return files.size() < MAX_JOURNALLED;
            }

            @Override
            public void file(String path, Stat stat) {
              if (files.size() < MAX_JOURNALLED) files.add(path);
            }
          });
    } catch (RuntimeException swappedOrGone) {
      // the watcher reports what is there
    }
    return files;
  }

  public void requireStorable(String path) {
    if (path.isEmpty()) throw new ApiException(400, "bad_path", "a file or folder name is needed");
    StorageKeys.problem(keyPrefix, path)
        .ifPresent(
            problem -> {
              throw new ApiException(
                  400, "bad_name", "this name cannot be saved: " + problem + ": " + shown(path));
            });
  }

  private void requireParent(String path) {
    int slash = path.lastIndexOf('/');
    if (slash < 0) return;
    String parent = path.substring(0, slash);
    Stat stat =
        tree.stat(parent)
            .orElseThrow(
                () ->
                    new ApiException(
                        404,
                        "not_found",
                        "no folder "
                            + shown(parent)
                            + " (add ?parents=true to make missing folders)"));
    if (stat.kind() == Kind.LINK) throw FileApiErrors.linkRefused(parent);
    if (stat.kind() != Kind.DIR)
      throw new ApiException(409, "not_a_dir", "not a folder: " + shown(parent));
  }

  private static String shown(String path) {
    return PathReports.printable(path);
  }
}
