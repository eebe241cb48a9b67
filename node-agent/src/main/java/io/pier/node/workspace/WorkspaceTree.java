package io.pier.node.workspace;

import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.linux.SyscallException;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one way this node reaches the contents of a workspace, whose names, links, special files and bytes are chosen
 * by whoever runs code in the repl. Its contract: a path is relative, with no {@code .}, {@code ..} or empty segments;
 * no symbolic link is followed at any level of a path (the kernel refuses it: {@code openat2} with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS}, or one {@code O_NOFOLLOW} name at a time below an open folder);
 * only regular files and folders are opened, a FIFO or socket is opened non-blocking and refused after
 * {@code fstat}; reads stop at a byte limit counted on what was read, not on the size reported before.
 *
 * <p>Nothing here is cached: each call opens the workspace root afresh, so that nothing holds a workspace's
 * filesystem busy between calls. Blocking; call off the event loop.
 */
public final class WorkspaceTree {
  /** The suffix of the temporary names saves and deletions use; walks skip them. */
  public static final String TEMP_SUFFIX = ".pier-tmp";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path root;
  private final Owner owner;
  private final BeneathRoot beneath;

  /** The uid and gid that files made here are given, so that the repl's user can change them. */
  public record Owner(int uid, int gid) {
    /** The repl's user when this process may give files away (it is root), else none. */
    public static Optional<Owner> replUser() {
      return "root".equals(System.getProperty("user.name"))
          ? Optional.of(new Owner(1000, 1000))
          : Optional.empty();
    }
  }

  /** @param owner who gets the files and folders made here; null leaves them to this process's user */
  public WorkspaceTree(Path root, Owner owner) {
    this.root = root.toAbsolutePath().normalize();
    this.owner = owner;
    this.beneath = new BeneathRoot(this.root, owner);
  }

  /** A tree whose new files go to the repl's user when this process runs as root. */
  public static WorkspaceTree of(Path root) {
    return new WorkspaceTree(root, Owner.replUser().orElse(null));
  }

  /**
   * Checks a workspace path: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segment, no NUL.
   *
   * @throws WorkspaceAccessException {@code BAD_PATH}
   */
  public static void check(String path) {
    WorkspacePaths.check(path);
  }

  public Path root() {
    return root;
  }

  /** An entry as it is, a link as a link. */
  public Optional<Stat> stat(String path) {
    if (path.isEmpty()) return Optional.of(beneath.inRoot(Syscalls::stat));
    try {
      return Optional.of(beneath.inParent(path, (dir, name) -> Syscalls.statAt(dir, name)));
    } catch (WorkspaceAccessException e) {
      if (e.reason() == Reason.NOT_FOUND || e.reason() == Reason.NOT_A_DIR) return Optional.empty();
      throw e;
    }
  }

  /** The entries of a folder, at most {@code max} of them, sorted by the caller if it wants. */
  public List<Syscalls.Dirent> list(String path, int max) {
    return beneath.inDir(path, dir -> Syscalls.list(dir, max));
  }

  /** A regular file's bytes. @throws WorkspaceAccessException {@code TOO_LARGE} past {@code maxBytes} */
  public byte[] read(String path, int maxBytes) {
    try (OpenFile file = open(path)) {
      if (file.size() > maxBytes)
        throw new WorkspaceAccessException(Reason.TOO_LARGE, path + " is too large");
      byte[] bytes = file.stream().readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes)
        throw new WorkspaceAccessException(Reason.TOO_LARGE, path + " is too large");
      return bytes;
    } catch (IOException e) {
      throw new WorkspaceAccessException(Reason.IO, "reading " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens a regular file for reading. The stream ends after the size the open file had ({@link OpenFile#size()}),
   * so that a file that keeps growing is read as it was.
   */
  public OpenFile open(String path) {
    byte[] relative = WorkspacePaths.relative(path, false);
    int fd = beneath.inRoot(rootFd -> Syscalls.openReadBeneath(rootFd, relative), path);
    try {
      Stat stat = Syscalls.stat(fd);
      if (stat.kind() == Kind.DIR)
        throw new WorkspaceAccessException(Reason.IS_A_DIR, "a folder: " + path);
      if (stat.kind() != Kind.FILE)
        throw new WorkspaceAccessException(Reason.NOT_A_FILE, "not a regular file: " + path);
      return new OpenFile(fd, stat);
    } catch (RuntimeException e) {
      Syscalls.close(fd);
      throw e;
    }
  }

  /** Replaces a file's content with {@code bytes} atomically, creating it and its folders if needed. */
  public void write(String path, byte[] bytes) {
    write(path, new ByteArrayInputStream(bytes), true);
  }

  /**
   * Writes a file from a stream through a temporary name and a rename, so that a process never sees half a file;
   * the data is on disk before the rename.
   *
   * @param replace false to fail with {@code EXISTS} when something has the name already
   */
  public void write(String path, InputStream content, boolean replace) {
    write(path, content, replace, true);
  }

  /**
   * {@link #write(String, InputStream, boolean)}, with the choice to leave the data to the kernel's writeback: for
   * many files written at once (a restore), which then {@link #syncAll} once instead of one {@code fsync} each.
   *
   * @param durable false to skip the {@code fsync} before the rename
   */
  public void write(String path, InputStream content, boolean replace, boolean durable) {
    write(path, content, replace, durable, 0644);
  }

  /**
   * {@link #write(String, InputStream, boolean, boolean)} with the permissions a new file gets (an archive's
   * executable scripts); a replaced file keeps its own.
   *
   * @param newFileMode permission bits only (at most 0777)
   */
  public void write(
      String path, InputStream content, boolean replace, boolean durable, int newFileMode) {
    String parent = WorkspacePaths.parentOf(path);
    byte[] name = Syscalls.terminated(WorkspacePaths.lastName(path));
    beneath.withDirs(
        parent,
        dir -> {
          int mode = newFileMode & 0777;
          try {
            Stat existing = Syscalls.statAt(dir, name);
            if (existing.kind() == Kind.DIR)
              throw new WorkspaceAccessException(Reason.IS_A_DIR, "a folder is there: " + path);
            if (existing.kind() == Kind.FILE) mode = existing.mode();
          } catch (SyscallException e) {
            if (e.errno() != Syscalls.ENOENT) throw e;
          }
          byte[] temp = Syscalls.bytes(".pier-" + randomHex() + TEMP_SUFFIX);
          int fd = Syscalls.createExclusive(dir, temp, 0600);
          boolean renamed = false;
          try {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = content.read(buffer)) > 0; ) Syscalls.writeFully(fd, buffer, n);
            if (owner != null) Syscalls.chown(fd, owner.uid(), owner.gid());
            Syscalls.chmod(fd, mode);
            if (durable) Syscalls.fsync(fd);
            Syscalls.renameAt(dir, temp, dir, name, replace);
            renamed = true;
          } catch (IOException e) {
            throw new WorkspaceAccessException(
                Reason.IO, "writing " + path + ": " + e.getMessage(), e);
          } finally {
            Syscalls.close(fd);
            if (!renamed) unlinkQuietly(dir, temp);
          }
          return null;
        },
        path);
  }

  /** Puts on disk everything written to the workspace's filesystem so far ({@code syncfs}). */
  public void syncAll() {
    beneath.inRoot(
        rootFd -> {
          Syscalls.syncfs(rootFd);
          return null;
        });
  }

  /** Creates a folder (and the folders leading to it) that must not exist yet. */
  public void createDirectory(String path) {
    String parent = WorkspacePaths.parentOf(path);
    byte[] name = Syscalls.terminated(WorkspacePaths.lastName(path));
    beneath.withDirs(
        parent,
        dir -> {
          Syscalls.mkdirAt(dir, name, 0755);
          if (owner != null) Syscalls.chownAt(dir, name, owner.uid(), owner.gid());
          return null;
        },
        path);
  }

  /** Moves an entry (a link moves as a link) to a name that must be free; missing folders of the target are made. */
  public void rename(String from, String to) {
    byte[] fromName = Syscalls.terminated(WorkspacePaths.lastName(from));
    byte[] toName = Syscalls.terminated(WorkspacePaths.lastName(to));
    beneath.inDir(
        WorkspacePaths.parentOf(from),
        fromDir ->
            beneath.withDirs(
                WorkspacePaths.parentOf(to),
                toDir -> {
                  Syscalls.renameAt(fromDir, fromName, toDir, toName, false);
                  return null;
                },
                to),
        from);
  }

  /** Deletes an entry, a folder with everything in it; links are removed, never followed. */
  public void delete(String path) {
    if (path.isEmpty()) {
      beneath.inRoot(rootFd -> new TreeDeletion(rootFd).deleteContents(rootFd), "");
      return;
    }
    beneath.inParent(
        path,
        (dir, name) ->
            beneath.inRoot(
                rootFd -> {
                  new TreeDeletion(rootFd).delete(dir, name);
                  return null;
                },
                path));
  }

  /**
   * Runs {@code work} with a path that names exactly the folder {@code path} as opened here ({@code /proc/self/fd/N},
   * valid during the call only): for APIs that take a path, such as a watch service, without letting the repl swap
   * the folder for a link in between.
   */
  public <T> T withOpenDir(String path, Function<Path, T> work) {
    return beneath.inDir(path, dir -> work.apply(Path.of("/proc/self/fd/" + dir)));
  }

  /** Visits the whole tree, folders first; see {@link TreeWalk}. */
  public void walk(TreeWalk.Visitor visitor) {
    walk("", visitor);
  }

  /** Visits what is below the folder {@code path} (not the folder itself); see {@link TreeWalk}. */
  public void walk(String path, TreeWalk.Visitor visitor) {
    beneath.inDir(
        path,
        dir -> {
          new TreeWalk(visitor).walk(dir, path);
          return null;
        });
  }

  static String randomHex() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void unlinkQuietly(int dir, byte[] name) {
    try {
      Syscalls.unlinkAt(dir, name, false);
    } catch (SyscallException ignored) {
      // already gone
    }
  }
}
