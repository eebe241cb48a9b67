package io.pier.node.workspace;

import io.pier.node.workspace.linux.SyscallException;
import io.pier.node.workspace.linux.Syscalls;
import io.pier.node.workspace.linux.Syscalls.Stat;
import java.io.IOException;
import java.io.InputStream;

/** An open regular file: its stream (which closes the descriptor) and what it was when opened. */
public final class OpenFile implements AutoCloseable {
  private final int fd;
  private final Stat stat;
  private final InputStream stream;
  private boolean closed;
  private boolean taken;

  OpenFile(int fd, Stat stat) {
    this.fd = fd;
    this.stat = stat;
    this.stream =
        new InputStream() {
          private long left = stat.size();

          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0 || len == 0) return left <= 0 ? -1 : 0;
            int want = (int) Math.min(len, Math.min(left, 64 * 1024));
            byte[] chunk = off == 0 ? b : new byte[want];
            int n;
            try {
              n = Syscalls.read(fd, chunk, want);
            } catch (SyscallException e) {
              throw new IOException(e.getMessage());
            }
            if (n <= 0) {
              left = 0;
              return -1;
            }
            if (chunk != b) System.arraycopy(chunk, 0, b, off, n);
            left -= n;
            return n;
          }

          /** Moves the offset without reading what is skipped (a ranged download of a large file). */
          @Override
          public long skip(long n) throws IOException {
            long skipped = Math.max(0, Math.min(n, left));
            if (skipped == 0) return 0;
            try {
              Syscalls.skip(fd, skipped);
            } catch (SyscallException e) {
              throw new IOException(e.getMessage());
            }
            left -= skipped;
            return skipped;
          }

          @Override
          public void close() {
            OpenFile.this.close();
          }
        };
  }

  public long size() {
    return stat.size();
  }

  public long modifiedMillis() {
    return stat.modifiedMillis();
  }

  public InputStream stream() {
    return stream;
  }

  /** The stream, marked as handed out: see {@link #streamTaken()}. */
  public synchronized InputStream takeStream() {
    taken = true;
    return stream;
  }

  /** Whether {@link #takeStream()} handed the stream out already (it can be read once only). */
  public synchronized boolean streamTaken() {
    return taken;
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    Syscalls.close(fd);
  }
}
