package io.pier.node.workspace;

import io.pier.common.store.StorageKeys;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The regular files of a workspace that storage can hold, with their stamps (links and special files are neither
 * followed nor stored), and the paths that cannot be stored with why.
 */
public record WorkspaceSnapshot(Map<String, FileStamp> files, Map<String, String> refused) {
  public WorkspaceSnapshot(Map<String, FileStamp> files) {
    this(files, Map.of());
  }

  /** The files found under {@code tree} whose keys under {@code prefix} are storable. */
  static WorkspaceSnapshot of(WorkspaceTree tree, IgnoreList ignoreList, String prefix) {
    Map<String, FileStamp> files = new HashMap<>();
    Map<String, String> refused = new LinkedHashMap<>();
    tree.walk(
        new TreeWalk.Visitor() {
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
    return new WorkspaceSnapshot(Map.copyOf(files), Map.copyOf(refused));
  }

  /** This snapshot less the files that could not be stored, which join {@link #refused}. */
  WorkspaceSnapshot without(Map<String, String> notStored) {
    if (notStored.isEmpty() || notStored.equals(refused))
      return new WorkspaceSnapshot(files, Map.copyOf(notStored));
    Map<String, FileStamp> kept = new HashMap<>(files);
    kept.keySet().removeAll(notStored.keySet());
    return new WorkspaceSnapshot(Map.copyOf(kept), Map.copyOf(notStored));
  }
}
