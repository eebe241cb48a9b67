package io.pier.node.files;

import io.pier.common.http.ApiException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that fails with 413 once more than its limit is read: counted on the bytes that arrive, never on a size
 * the client declared.
 */
final class LimitedInput extends FilterInputStream {
  private final long limit;
  private final String what;
  private long count;

  /** @param what how the 413 names what was too large ("the file", "the archive") */
  LimitedInput(InputStream in, long limit, String what) {
    super(in);
    this.limit = limit;
    this.what = what;
  }

  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) counted(1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) counted(n);
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    if (skipped > 0) counted(skipped);
    return skipped;
  }

  private void counted(long n) throws RefusedInput {
    count += n;
    if (count > limit) {
      throw new RefusedInput(
          new ApiException(413, "too_large", what + " is larger than " + limit + " bytes"));
    }
  }

  @Override
  public void close() {
    // the underlying stream belongs to the caller
  }
}
