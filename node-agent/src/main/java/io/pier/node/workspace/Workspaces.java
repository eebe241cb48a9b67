package io.pier.node.workspace;

import io.pier.common.repl.Limits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The workspace folders of this node, {@code <data>/workspaces/<slug>}, each with the size its repl may fill when the
 * node's {@link WorkspaceVolumes} can give it one.
 */
public final class Workspaces {
  /** The folder of spare sandboxes' workspaces, under the root: a dot keeps it apart from slugs. */
  private static final String SPARES = ".spare";

  private final Path root;
  private final WorkspaceVolumes volumes;
  private final long defaultDiskMb;

  /** Plain folders, without sizes. */
  public Workspaces(Path root) {
    this(root, new PlainFolders(), 0);
  }

  /** @param defaultDiskMb the size of workspaces whose repl's limits name none */
  public Workspaces(Path root, WorkspaceVolumes volumes, long defaultDiskMb) {
    this.root = root;
    this.volumes = volumes;
    this.defaultDiskMb = defaultDiskMb;
  }

  public Path of(String slug) {
    return root.resolve(slug);
  }

  /** The size a repl's workspace gets here, in MiB: its own, else the node's default; 0 when sizes are off. */
  public long sizeMb(Limits limits) {
    if (!volumes.limited()) return 0;
    return limits.diskMb() > 0 ? limits.diskMb() : defaultDiskMb;
  }

  /** Makes a new, empty workspace for the repl, of the size {@link #sizeMb} gives. @return its folder */
  public Path create(String slug, Limits limits) {
    Path dir = of(slug);
    volumes.create(slug, dir, sizeMb(limits));
    return dir;
  }

  /**
   * Makes a workspace left from before readable again (see {@link WorkspaceVolumes#reopen}).
   *
   * @throws IllegalStateException when its volume cannot be read; it is then kept aside, and the folder must not be
   *         taken for the repl's files
   */
  public void reopen(String slug) {
    volumes.reopen(slug, of(slug));
  }

  /** Deletes the workspace with everything in it. No error when there is none. */
  public void remove(String slug) {
    volumes.remove(slug, of(slug));
  }

  /**
   * Makes a new, empty workspace for a spare sandbox, {@code <root>/.spare/<id>}: on the slugs' filesystem, so that
   * {@link #adoptSpare} is a rename, and apart from them (names starting with a dot are no slug's).
   *
   * @return its folder
   */
  public Path createSpare(String id, Limits limits) {
    Path dir = spareOf(id);
    try {
      Files.createDirectories(dir.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    volumes.create(spareName(id), dir, sizeMb(limits));
    return dir;
  }

  /** Makes a spare's workspace the slug's, while its sandbox runs on (see {@link WorkspaceVolumes#adopt}). */
  public Path adoptSpare(String id, String slug) {
    volumes.adopt(spareName(id), spareOf(id), slug, of(slug));
    return of(slug);
  }

  /** Deletes a spare's workspace. No error when there is none. */
  public void removeSpare(String id) {
    volumes.remove(spareName(id), spareOf(id));
  }

  /** Deletes the spares' workspaces an earlier agent left. */
  public void removeSpares() {
    Path spares = root.resolve(SPARES);
    if (!Files.isDirectory(spares)) return;
    try (Stream<Path> dirs = Files.list(spares)) {
      for (Path dir : dirs.toList()) removeSpare(dir.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path spareOf(String id) {
    return root.resolve(SPARES).resolve(id);
  }

  /** What the volumes know a spare's workspace by: not a slug, and left out of {@link #present}. */
  private static String spareName(String id) {
    return SPARES + "-" + id;
  }

  /** Slugs that have a workspace folder or volume on this node. */
  public Set<String> present() {
    Set<String> slugs = new TreeSet<>(volumes.present());
    if (Files.isDirectory(root)) {
      try (Stream<Path> dirs = Files.list(root)) {
        dirs.map(d -> d.getFileName().toString())
            .filter(name -> !name.startsWith("."))
            .forEach(slugs::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return slugs;
  }

  /** How full the workspace is, when it has a size of its own. */
  public Optional<WorkspaceVolumes.Usage> usage(String slug) {
    return volumes.usage(of(slug));
  }

  /** The contents of the slug's workspace: the only way to reach them. */
  public WorkspaceTree tree(String slug) {
    return WorkspaceTree.of(of(slug));
  }

  /** Gives the workspace folder itself to the uid/gid repls run as, so the container can write it. No-op unless root. */
  public static void handOver(Path dir, int uid, int gid) {
    if (!"root".equals(System.getProperty("user.name"))) return;
    try {
      Files.setAttribute(dir, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(dir, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a workspace folder and everything in it, without following symbolic links. */
  public static void delete(Path dir) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return;
    WorkspaceTree.of(dir).delete("");
    try {
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
