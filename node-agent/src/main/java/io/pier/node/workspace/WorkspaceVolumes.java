package io.pier.node.workspace;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Where a repl's workspace folder keeps its files. An implementation may give each workspace a filesystem of its own,
 * of a fixed size, so a repl cannot fill the node's disk. The folder's path is the same either way: what reads the
 * workspace on the host (sessions, the watcher, write-behind, the container's bind mount) never knows the difference.
 * Every call blocks.
 */
public interface WorkspaceVolumes {

  /**
   * Makes {@code dir} a new, empty workspace of at most {@code sizeMb} MiB; 0 makes a plain folder of the node's disk.
   * Whatever the slug had here before must have been {@link #remove removed}.
   *
   * @throws IllegalStateException when the workspace cannot be made; nothing is left behind
   */
  void create(String slug, Path dir, long sizeMb);

  /**
   * Makes a workspace this node kept from before (its agent or the machine restarted) readable at {@code dir} again,
   * mounting its filesystem if it is not mounted.
   *
   * @return true when the slug has a volume here and it is ready at {@code dir}; false when it has none (so
   *         {@code dir}, if it exists, is a plain folder)
   * @throws IllegalStateException when the volume exists but cannot be read; it is then kept aside, out of the way of
   *         the slug, and {@code dir} must not be taken for the repl's files
   */
  boolean reopen(String slug, Path dir);

  /**
   * Makes the workspace made for {@code fromSlug} at {@code fromDir} the slug's, at {@code dir}, while a sandbox may
   * have it mounted: the sandbox keeps seeing the same files, and from now on they are the slug's ({@link #remove},
   * {@link #reopen} and {@link #usage} by the slug and {@code dir}). {@code dir} must not exist; both folders are on
   * the same filesystem.
   *
   * @throws IllegalStateException when it cannot be moved; {@code fromDir} is then still {@code fromSlug}'s
   */
  void adopt(String fromSlug, Path fromDir, String slug, Path dir);

  /** Deletes the workspace and everything in it: unmounts it, deletes its volume and the folder. No error when none. */
  void remove(String slug, Path dir);

  /** Slugs with a volume on this node, mounted or not: what a restarted agent must look at besides the folders. */
  Set<String> present();

  /** How full the workspace's own filesystem is; empty for a plain folder. */
  Optional<Usage> usage(Path dir);

  /** False when workspaces are plain folders of the node's disk, with no size of their own. */
  boolean limited();

  /** A workspace filesystem's use and size, in bytes. */
  record Usage(long usedBytes, long sizeBytes) {}
}
