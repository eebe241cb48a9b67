package io.pier.node.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;

/** Workspaces as plain folders of the node's disk, without a size limit: for nodes that cannot mount filesystems. */
public final class PlainFolders implements WorkspaceVolumes {

  @Override
  public void create(String slug, Path dir, long sizeMb) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A rename: a bind mount of the folder follows it, as it holds the folder, not its path. */
  @Override
  public void adopt(String fromSlug, Path fromDir, String slug, Path dir) {
    try {
      Files.move(fromDir, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot move " + fromDir + " to " + dir + ": " + e, e);
    }
  }

  @Override
  public boolean reopen(String slug, Path dir) {
    return false;
  }

  @Override
  public void remove(String slug, Path dir) {
    Workspaces.delete(dir);
  }

  @Override
  public Set<String> present() {
    return Set.of();
  }

  @Override
  public Optional<Usage> usage(Path dir) {
    return Optional.empty();
  }

  @Override
  public boolean limited() {
    return false;
  }
}
