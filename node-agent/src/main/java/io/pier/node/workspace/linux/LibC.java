package io.pier.node.workspace.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The C library calls the workspace tree is made of. Paths are NUL-terminated byte arrays, so that names which are
 * not valid UTF-8 pass through unchanged. Every call throws {@link LastErrorException} with the errno on failure.
 */
interface LibC extends Library {
  LibC INSTANCE = Native.load("c", LibC.class);

  long syscall(long number, Object... args) throws LastErrorException;

  int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  long read(int fd, byte[] buffer, long count) throws LastErrorException;

  long write(int fd, byte[] buffer, long count) throws LastErrorException;

  long lseek(int fd, long offset, int whence) throws LastErrorException;

  int fsync(int fd) throws LastErrorException;

  int syncfs(int fd) throws LastErrorException;

  int fchown(int fd, int uid, int gid) throws LastErrorException;

  int fchmod(int fd, int mode) throws LastErrorException;

  int fchownat(int dirfd, byte[] path, int uid, int gid, int flags) throws LastErrorException;

  int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

  int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

  int renameat2(int fromDirfd, byte[] from, int toDirfd, byte[] to, int flags)
      throws LastErrorException;

  int statx(int dirfd, byte[] path, int flags, int mask, byte[] statx) throws LastErrorException;

  long getdents64(int fd, byte[] buffer, long count) throws LastErrorException;
}
