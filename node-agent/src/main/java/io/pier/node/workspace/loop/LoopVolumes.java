package io.pier.node.workspace.loop;

import io.pier.node.workspace.WorkspaceVolumes;
import io.pier.node.workspace.Workspaces;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each workspace on an ext4 filesystem of its own: a sparse image file {@code <images>/<slug>.img}, loop-mounted on
 * the workspace folder. A repl that fills it gets "No space left on device" at its size, and the node's disk loses
 * at most that. The image is sparse and mounted with {@code discard}, so it takes only what the files take, and
 * deleting files gives the space back to the node. Needs root, loop devices and {@code mkfs.ext4}.
 */
public final class LoopVolumes implements WorkspaceVolumes {
  private static final Logger LOG = LoggerFactory.getLogger(LoopVolumes.class);
  private static final long MIB = 1024L * 1024L;
  private static final String SUFFIX = ".img";

  /**
   * {@code nosuid,nodev}: nothing in a workspace may gain privileges or reach devices. {@code discard}: space freed
   * in the workspace is punched out of the image, so the node gets it back.
   */
  private static final String OPTIONS = "nosuid,nodev,noatime,discard";

  /** e2fsck -p exit codes below 4 mean the filesystem is fine or was repaired. */
  private static final int FSCK_UNCORRECTED = 4;

  private static final int PROBE_MB = 16;

  private final Path images;
  private final int uid;
  private final int gid;
  private final Shell shell;
  private final Predicate<Path> mountPoint;

  /** Loop devices are handed out by the kernel one at a time; concurrent mounts could race for the same one. */
  private final Object mounting = new Object();

  /**
   * @param images where the image files live (on the node's data disk)
   * @param uid    the owner the root of each new filesystem gets: the user repls run as
   */
  public LoopVolumes(Path images, int uid, int gid) {
    this(images, uid, gid, new ProcessShell(Duration.ofMinutes(2)), LoopVolumes::isMountPoint);
  }

  LoopVolumes(Path images, int uid, int gid, Shell shell, Predicate<Path> mountPoint) {
    this.images = images;
    this.uid = uid;
    this.gid = gid;
    this.shell = shell;
    this.mountPoint = mountPoint;
  }

  /**
   * Makes, mounts, writes and removes a small volume, which is the only sure test that this node can mount them.
   *
   * @return why it cannot, or empty when it can
   */
  public Optional<String> problem() {
    Path image = images.resolve(".probe" + SUFFIX);
    Path dir = images.resolve(".probe");
    try {
      release(image, dir);
      make(image, dir, PROBE_MB);
      Files.writeString(dir.resolve("probe"), "probe");
      return Optional.empty();
    } catch (RuntimeException | IOException e) {
      return Optional.of(e.getMessage());
    } finally {
      try {
        release(image, dir);
      } catch (RuntimeException e) {
        LOG.warn("cannot remove the probe volume {}: {}", image, e.getMessage());
      }
    }
  }

  @Override
  public void create(String slug, Path dir, long sizeMb) {
    if (sizeMb <= 0) {
      mkdirs(dir);
      return;
    }
    Path image = imageOf(slug);
    try {
      make(image, dir, sizeMb);
    } catch (RuntimeException e) {
      try {
        release(image, dir);
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new IllegalStateException(
          "cannot make the " + sizeMb + " MiB workspace of " + slug + ": " + e.getMessage(), e);
    }
  }

  private void make(Path image, Path dir, long sizeMb) {
    mkdirs(images);
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      // setLength on a new file makes it sparse: blocks are taken from the node's disk only as the
      // repl writes.
      file.setLength(sizeMb * MIB);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + image, e);
    }
    // No journal: the files also live in storage, and a workspace outlives a crash only until it is
    // saved; an
    // inode per 8 KiB because node_modules is many small files; nothing reserved for root, who
    // never writes there.
    run(
        List.of(
            "mkfs.ext4",
            "-q",
            "-F",
            "-m",
            "0",
            "-O",
            "^has_journal",
            "-i",
            "8192",
            "-E",
            "root_owner=" + uid + ":" + gid,
            image.toString()));
    mkdirs(dir);
    synchronized (mounting) {
      run(List.of("mount", "-o", "loop," + OPTIONS, image.toString(), dir.toString()));
    }
    try {
      // The workspace starts empty, as a plain folder would: the repl's files, not the
      // filesystem's.
      Files.deleteIfExists(dir.resolve("lost+found"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean reopen(String slug, Path dir) {
    Path image = imageOf(slug);
    if (!Files.isRegularFile(image)) return false;
    mkdirs(dir);
    if (mountPoint.test(dir)) return true;
    try {
      synchronized (mounting) {
        String device = loopDeviceOf(image);
        if (device != null) {
          // Still attached (a container of the old agent holds it): mounting that device shares its
          // filesystem;
          // a second loop device on the same file would mount it twice and corrupt it.
          run(List.of("mount", "-o", OPTIONS, device, dir.toString()));
        } else {
          // Not mounted since the machine restarted: without a journal, a crash may have left it to
          // repair.
          Shell.Result fsck = shell.run(List.of("e2fsck", "-p", image.toString()));
          if (fsck.exit() < 0 || fsck.exit() >= FSCK_UNCORRECTED) {
            throw new IllegalStateException(
                "e2fsck found errors it cannot repair: " + fsck.output());
          }
          run(List.of("mount", "-o", "loop," + OPTIONS, image.toString(), dir.toString()));
        }
      }
      return true;
    } catch (RuntimeException e) {
      Path aside =
          image.resolveSibling(
              image.getFileName() + ".unreadable-" + Instant.now().getEpochSecond());
      try {
        Files.move(image, aside);
      } catch (IOException moveFailed) {
        e.addSuppressed(moveFailed);
      }
      throw new IllegalStateException(
          "cannot mount the workspace of "
              + slug
              + " ("
              + e.getMessage()
              + "); its image is kept as "
              + aside,
          e);
    }
  }

  /**
   * Mounts the spare's filesystem (its loop device, so the kernel shares the one mounted filesystem, as in
   * {@link #reopen}) at {@code dir}, names its image after the slug, then unmounts it from {@code fromDir}. A sandbox's
   * bind mount of it is its own and stays. Without an image, {@code fromDir} is a plain folder and is renamed.
   */
  @Override
  public void adopt(String fromSlug, Path fromDir, String slug, Path dir) {
    Path from = imageOf(fromSlug);
    if (!Files.isRegularFile(from)) {
      try {
        Files.move(fromDir, dir, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (IOException e) {
        throw new IllegalStateException("cannot move " + fromDir + " to " + dir + ": " + e, e);
      }
    }
    synchronized (mounting) {
      String device = loopDeviceOf(from);
      if (device == null)
        throw new IllegalStateException(from + " is not attached to a loop device");
      mkdirs(dir);
      try {
        run(List.of("mount", "-o", OPTIONS, device, dir.toString()));
      } catch (RuntimeException e) {
        deleteEmpty(dir);
        throw e;
      }
      try {
        Files.move(from, imageOf(slug), StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    unmount(fromDir);
    deleteEmpty(fromDir);
  }

  /** Deletes a folder that nothing is mounted on any more: never its contents, which would be a workspace's. */
  private static void deleteEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  @Override
  public void remove(String slug, Path dir) {
    release(imageOf(slug), dir);
  }

  private void release(Path image, Path dir) {
    if (Files.isDirectory(dir) && mountPoint.test(dir)) unmount(dir);
    try {
      Files.deleteIfExists(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Workspaces.delete(dir);
  }

  private void unmount(Path dir) {
    Shell.Result result;
    synchronized (mounting) {
      result = shell.run(List.of("umount", dir.toString()));
      if (result.ok()) return;
      // Something on the node still has a file open in it. Detaching it now frees the folder; the
      // kernel lets go of
      // the filesystem, and of the image's space, once that file is closed.
      Shell.Result lazy = shell.run(List.of("umount", "-l", dir.toString()));
      if (!lazy.ok())
        throw new IllegalStateException("cannot unmount " + dir + ": " + lazy.output());
    }
    LOG.warn("{} was busy ({}); detached it lazily", dir, result.output());
  }

  @Override
  public Set<String> present() {
    Set<String> slugs = new TreeSet<>();
    if (!Files.isDirectory(images)) return slugs;
    try (Stream<Path> files = Files.list(images)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(name -> name.endsWith(SUFFIX) && !name.startsWith("."))
          .forEach(name -> slugs.add(name.substring(0, name.length() - SUFFIX.length())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return slugs;
  }

  @Override
  public Optional<Usage> usage(Path dir) {
    if (!Files.isDirectory(dir) || !mountPoint.test(dir)) return Optional.empty();
    try {
      FileStore store = Files.getFileStore(dir);
      long size = store.getTotalSpace();
      return Optional.of(new Usage(size - store.getUnallocatedSpace(), size));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean limited() {
    return true;
  }

  Path imageOf(String slug) {
    return images.resolve(slug + SUFFIX);
  }

  /** The loop device the image is attached to, or null. */
  private String loopDeviceOf(Path image) {
    Shell.Result found = shell.run(List.of("losetup", "-j", image.toString()));
    if (!found.ok()) return null;
    // "/dev/loop3: [65024]:2154599 (/srv/pier/node/volumes/brave-otter-3f9a2c.img)"
    for (String line : found.output().lines().toList()) {
      int colon = line.indexOf(':');
      if (line.startsWith("/dev/") && colon > 0) return line.substring(0, colon);
    }
    return null;
  }

  private void run(List<String> command) {
    Shell.Result result = shell.run(command);
    if (!result.ok()) {
      throw new IllegalStateException(
          command.get(0)
              + " failed"
              + (result.exit() >= 0 ? " (exit " + result.exit() + ")" : "")
              + ": "
              + result.output());
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder on another device than its parent is a mount point. */
  static boolean isMountPoint(Path dir) {
    try {
      Object device = Files.getAttribute(dir, "unix:dev");
      Object parent = Files.getAttribute(dir.toAbsolutePath().getParent(), "unix:dev");
      return !device.equals(parent);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
