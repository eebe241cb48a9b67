package io.pier.node.workspace;

import io.pier.node.workspace.WorkspaceAccessException.Reason;
import io.pier.node.workspace.WorkspaceTree.Owner;
import io.pier.node.workspace.linux.SyscallException;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Kind;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The descriptors {@link WorkspaceTree} works on: the workspace root opened afresh for each call, and the folders
 * below it reached without following a link at any level ({@code openat2} beneath the root, or one
 * {@code O_NOFOLLOW} name at a time), each closed when the work on it is done. A refusal of the kernel becomes a
 * {@link WorkspaceAccessException} naming the path asked for.
 */
final class BeneathRoot {
  private final Path root;
  private final Owner owner;

  /** @param owner who gets the folders made here; null leaves them to this process's user */
  BeneathRoot(Path root, Owner owner) {
    this.root = root;
    this.owner = owner;
  }

  interface WithFd<T> {
    T apply(int fd);
  }

  interface WithEntry<T> {
    T apply(int dirFd, byte[] name);
  }

  <T> T inRoot(WithFd<T> work) {
    return inRoot(work, "");
  }

  <T> T inRoot(WithFd<T> work, String path) {
    int rootFd;
    try {
      rootFd = Syscalls.openRoot(root.toString());
    } catch (SyscallException e) {
      throw new WorkspaceAccessException(
          Reason.IO, "the workspace " + root + " cannot be opened: errno " + e.errno());
    }
    try {
      return work.apply(rootFd);
    } catch (SyscallException e) {
      throw WorkspaceErrors.translate(e, path);
    } finally {
      Syscalls.close(rootFd);
    }
  }

  /** Runs {@code work} on the open folder {@code path}, which must exist. */
  <T> T inDir(String path, WithFd<T> work) {
    return inDir(path, work, path);
  }

  <T> T inDir(String path, WithFd<T> work, String reported) {
    byte[] relative = WorkspacePaths.relative(path, true);
    return inRoot(
        rootFd -> {
          if (path.isEmpty()) return work.apply(rootFd);
          int dir = openDir(rootFd, relative);
          try {
            return work.apply(dir);
          } finally {
            Syscalls.close(dir);
          }
        },
        reported);
  }

  <T> T inParent(String path, WithEntry<T> work) {
    byte[] name = Syscalls.terminated(WorkspacePaths.lastName(path));
    return inDir(WorkspacePaths.parentOf(path), dir -> work.apply(dir, name), path);
  }

  /** Runs {@code work} on the open folder {@code path}, making it and the folders leading to it as needed. */
  <T> T withDirs(String path, WithFd<T> work, String reported) {
    WorkspacePaths.check(path);
    return inRoot(
        rootFd -> {
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
        },
        reported);
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
        int parent =
            Syscalls.openDirBeneath(dirFd, Syscalls.terminated(Arrays.copyOf(relative, slash - 1)));
        try {
          link = Syscalls.statAt(parent, name).kind() == Kind.LINK;
        } finally {
          Syscalls.close(parent);
        }
      }
      throw link ? new SyscallException("openat2", Syscalls.ELOOP) : e;
    }
  }
}
