package io.pier.node.workspace;

import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Kind;
import io.pier.node.workspace.linux.Syscalls.Stat;
import io.pier.node.workspace.linux.SyscallException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
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

  /** The uid and gid that files made here are given, so that the repl's user can change them. */
  public record Owner(int uid, int gid) {
    /** The repl's user when this process may give files away (it is root), else none. */
    public static Optional<Owner> replUser() {
      return "root".equals(System.getProperty("user.name")) ? Optional.of(new Owner(1000, 1000)) : Optional.empty();
    }
  }

  /** @param owner who gets the files and folders made here; null leaves them to this process's user */
  public WorkspaceTree(Path root, Owner owner) {
    this.root = root.toAbsolutePath().normalize();
    this.owner = owner;
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
    if (path.isEmpty()) return Optional.of(inRoot(Syscalls::stat));
    try {
      return Optional.of(inParent(path, (dir, name) -> Syscalls.statAt(dir, name)));
    } catch (WorkspaceAccessException e) {
      if (e.reason() == Reason.NOT_FOUND || e.reason() == Reason.NOT_A_DIR) return Optional.empty();
      throw e;
    }
  }

  /** The entries of a folder, at most {@code max} of them, sorted by the caller if it wants. */
  public List<Syscalls.Dirent> list(String path, int max) {
    return inDir(path, dir -> Syscalls.list(dir, max));
  }

  /** A regular file's bytes. @throws WorkspaceAccessException {@code TOO_LARGE} past {@code maxBytes} */
  public byte[] read(String path, int maxBytes) {
    try (OpenFile file = open(path)) {
      if (file.size() > maxBytes) throw new WorkspaceAccessException(Reason.TOO_LARGE, path + " is too large");
      byte[] bytes = file.stream().readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) throw new WorkspaceAccessException(Reason.TOO_LARGE, path + " is too large");
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
    int fd = inRoot(rootFd -> Syscalls.openReadBeneath(rootFd, relative), path);
    try {
      Stat stat = Syscalls.stat(fd);
      if (stat.kind() == Kind.DIR) throw new WorkspaceAccessException(Reason.IS_A_DIR, "a folder: " + path);
      if (stat.kind() != Kind.FILE) throw new WorkspaceAccessException(Reason.NOT_A_FILE, "not a regular file: " + path);
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
    String parent = WorkspacePaths.parentOf(path);
    byte[] name = Syscalls.terminated(WorkspacePaths.lastName(path));
    withDirs(parent, dir -> {
      int mode = 0644;
      try {
        Stat existing = Syscalls.statAt(dir, name);
        if (existing.kind() == Kind.DIR) throw new WorkspaceAccessException(Reason.IS_A_DIR, "a folder is there: " + path);
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
        Syscalls.fsync(fd);
        Syscalls.renameAt(dir, temp, dir, name, replace);
        renamed = true;
      } catch (IOException e) {
        throw new WorkspaceAccessException(Reason.IO, "writing " + path + ": " + e.getMessage(), e);
      } finally {
        Syscalls.close(fd);
        if (!renamed) unlinkQuietly(dir, temp);
      }
      return null;
    }, path);
  }

  /** Creates a folder (and the folders leading to it) that must not exist yet. */
  public void createDirectory(String path) {
    String parent = WorkspacePaths.parentOf(path);
    byte[] name = Syscalls.terminated(WorkspacePaths.lastName(path));
    withDirs(parent, dir -> {
      Syscalls.mkdirAt(dir, name, 0755);
      if (owner != null) Syscalls.chownAt(dir, name, owner.uid(), owner.gid());
      return null;
    }, path);
  }

  /** Moves an entry (a link moves as a link) to a name that must be free; missing folders of the target are made. */
  public void rename(String from, String to) {
    byte[] fromName = Syscalls.terminated(WorkspacePaths.lastName(from));
    byte[] toName = Syscalls.terminated(WorkspacePaths.lastName(to));
    inDir(WorkspacePaths.parentOf(from), fromDir -> withDirs(WorkspacePaths.parentOf(to), toDir -> {
      Syscalls.renameAt(fromDir, fromName, toDir, toName, false);
      return null;
    }, to), from);
  }

  /** Deletes an entry, a folder with everything in it; links are removed, never followed. */
  public void delete(String path) {
    if (path.isEmpty()) {
      inRoot(rootFd -> new TreeDeletion(rootFd).deleteContents(rootFd), "");
      return;
    }
    inParent(path, (dir, name) -> inRoot(rootFd -> {
      new TreeDeletion(rootFd).delete(dir, name);
      return null;
    }, path));
  }

  /**
   * Runs {@code work} with a path that names exactly the folder {@code path} as opened here ({@code /proc/self/fd/N},
   * valid during the call only): for APIs that take a path, such as a watch service, without letting the repl swap
   * the folder for a link in between.
   */
  public <T> T withOpenDir(String path, Function<Path, T> work) {
    return inDir(path, dir -> work.apply(Path.of("/proc/self/fd/" + dir)));
  }

  /** Visits the whole tree, folders first; see {@link TreeWalk}. */
  public void walk(TreeWalk.Visitor visitor) {
    walk("", visitor);
  }

  /** Visits what is below the folder {@code path} (not the folder itself); see {@link TreeWalk}. */
  public void walk(String path, TreeWalk.Visitor visitor) {
    inDir(path, dir -> {
      new TreeWalk(visitor).walk(dir, path);
      return null;
    });
  }

  // --- descriptors ----------------------------------------------------------------------------------------------

  private interface WithFd<T> {
    T apply(int fd);
  }

  private interface WithEntry<T> {
    T apply(int dirFd, byte[] name);
  }

  private <T> T inRoot(WithFd<T> work) {
    return inRoot(work, "");
  }

  private <T> T inRoot(WithFd<T> work, String path) {
    int rootFd;
    try {
      rootFd = Syscalls.openRoot(root.toString());
    } catch (SyscallException e) {
      throw new WorkspaceAccessException(Reason.IO, "the workspace " + root + " cannot be opened: errno " + e.errno());
    }
    try {
      return work.apply(rootFd);
    } catch (SyscallException e) {
      throw translate(e, path);
    } finally {
      Syscalls.close(rootFd);
    }
  }

  /** Runs {@code work} on the open folder {@code path}, which must exist. */
  private <T> T inDir(String path, WithFd<T> work) {
    return inDir(path, work, path);
  }

  private <T> T inDir(String path, WithFd<T> work, String reported) {
    byte[] relative = WorkspacePaths.relative(path, true);
    return inRoot(rootFd -> {
      if (path.isEmpty()) return work.apply(rootFd);
      int dir = openDir(rootFd, relative);
      try {
        return work.apply(dir);
      } finally {
        Syscalls.close(dir);
      }
    }, reported);
  }

  private <T> T inParent(String path, WithEntry<T> work) {
    byte[] name = Syscalls.terminated(WorkspacePaths.lastName(path));
    return inDir(WorkspacePaths.parentOf(path), dir -> work.apply(dir, name), path);
  }

  /** Runs {@code work} on the open folder {@code path}, making it and the folders leading to it as needed. */
  private <T> T withDirs(String path, WithFd<T> work, String reported) {
    check(path);
    return inRoot(rootFd -> {
      int dir = rootFd;
      try {
        for (String segment : path.isEmpty() ? new String[0] : path.split("/")) {
          byte[] name = Syscalls.bytes(segment);
          int next;
          try {
            next = openDir(dir, name);
          } catch (SyscallException e) {
            if (e.errno() != Syscalls.ENOENT) throw e;
            try {
              Syscalls.mkdirAt(dir, name, 0755);
              if (owner != null) Syscalls.chownAt(dir, name, owner.uid(), owner.gid());
            } catch (SyscallException raced) {
              if (raced.errno() != Syscalls.EEXIST) throw raced;
            }
            next = Syscalls.openDirBeneath(dir, name);
          }
          if (dir != rootFd) Syscalls.close(dir);
          dir = next;
        }
        return work.apply(dir);
      } finally {
        if (dir != rootFd) Syscalls.close(dir);
      }
    }, reported);
  }

  static String randomHex() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Opens a folder below {@code dirFd}. A link as the last element fails as "not a folder" in the kernel
   * ({@code O_DIRECTORY | O_NOFOLLOW}); it is reported as the link it is, like links on the way.
   */
  private static int openDir(int dirFd, byte[] relative) {
    try {
      return Syscalls.openDirBeneath(dirFd, relative);
    } catch (SyscallException e) {
      if (e.errno() != Syscalls.ENOTDIR) throw e;
      int end = relative.length - 1;
      int slash = end;
      while (slash > 0 && relative[slash - 1] != '/') slash--;
      byte[] name = Arrays.copyOfRange(relative, slash, relative.length);
      boolean link;
      if (slash == 0) {
        link = Syscalls.statAt(dirFd, name).kind() == Kind.LINK;
      } else {
        int parent = Syscalls.openDirBeneath(dirFd, Syscalls.terminated(Arrays.copyOf(relative, slash - 1)));
        try {
          link = Syscalls.statAt(parent, name).kind() == Kind.LINK;
        } finally {
          Syscalls.close(parent);
        }
      }
      throw link ? new SyscallException("openat2", Syscalls.ELOOP) : e;
    }
  }

  private static void unlinkQuietly(int dir, byte[] name) {
    try {
      Syscalls.unlinkAt(dir, name, false);
    } catch (SyscallException ignored) {
      // already gone
    }
  }

  static WorkspaceAccessException translate(SyscallException e, String path) {
    return switch (e.errno()) {
      case Syscalls.ENOENT -> new WorkspaceAccessException(Reason.NOT_FOUND, "no such file or folder: " + path);
      case Syscalls.ELOOP, Syscalls.EXDEV -> new WorkspaceAccessException(Reason.LINK,
          "the path goes through a symbolic link, which is never followed: " + path);
      case Syscalls.ENOTDIR -> new WorkspaceAccessException(Reason.NOT_A_DIR, "not a folder on the way: " + path);
      case Syscalls.EISDIR -> new WorkspaceAccessException(Reason.IS_A_DIR, "a folder: " + path);
      case Syscalls.EEXIST -> new WorkspaceAccessException(Reason.EXISTS, "already exists: " + path);
      case Syscalls.ENOTEMPTY -> new WorkspaceAccessException(Reason.NOT_EMPTY, "not empty: " + path);
      case Syscalls.ENXIO -> new WorkspaceAccessException(Reason.NOT_A_FILE, "not a regular file: " + path);
      case Syscalls.ENAMETOOLONG -> new WorkspaceAccessException(Reason.BAD_PATH, "a name is too long: " + path);
      case Syscalls.ENOSPC, Syscalls.EDQUOT -> new WorkspaceAccessException(Reason.DISK_FULL,
          "the workspace is full (no space left on device)");
      default -> new WorkspaceAccessException(Reason.IO, e.getMessage() + ": " + path);
    };
  }
}
