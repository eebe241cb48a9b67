package io.pier.node.workspace.linux;

/** A failed system call and its errno. */
public final class SyscallException extends RuntimeException {
  private final int errno;

  public SyscallException(String call, int errno) {
    super(call + " failed: errno " + errno);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
