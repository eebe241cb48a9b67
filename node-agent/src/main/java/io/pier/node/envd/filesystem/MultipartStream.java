package io.pier.node.envd.filesystem;

import io.pier.common.http.ApiException;
import io.pier.node.files.RefusedInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/form-data} body (RFC 7578, 2046) read part by part as it arrives, never held whole: one buffer
 * of {@link #BUFFER} bytes, each part's content a stream that ends at the next delimiter. A part's headers are
 * bounded ({@link #MAX_HEADER_BYTES}); a body that ends before its closing delimiter, or whose framing is wrong, is a
 * {@link #malformed} error, never a short file taken for a whole one. Blocking; read on a transfer thread.
 */
final class MultipartStream {
  static final int BUFFER = 64 * 1024;
  static final int MAX_HEADER_BYTES = 16 * 1024;
  static final int MAX_BOUNDARY = 70;

  /** The body is not the multipart body it claims to be: {@code 400 bad_multipart} for the client. */
  static RefusedInput malformed(String message) {
    return new RefusedInput(new ApiException(400, "bad_multipart", message));
  }

  /** One part: its headers (names in lower case) and its content, to be read before {@link #next()}. */
  record Part(Map<String, String> headers, InputStream content) {
    /** A parameter of the {@code Content-Disposition} header ({@code name}, {@code filename}), or null. */
    String disposition(String parameter) {
      String value = headers.get("content-disposition");
      return value == null ? null : HeaderParameters.of(value).get(parameter);
    }
  }

  private final InputStream in;
  private final byte[] delimiter;
  private final byte[] buffer;
  private int position;
  private int limit;
  private boolean endOfInput;
  private boolean finished;
  private PartContent current;

  /** @param boundary the {@code boundary} parameter of the request's {@code Content-Type} */
  MultipartStream(InputStream in, String boundary) {
    if (boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY)
      throw new IllegalArgumentException("a boundary has 1 to " + MAX_BOUNDARY + " characters");
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    this.buffer = new byte[BUFFER + delimiter.length];
    // The first delimiter may open the body without the line break before it: read as if one were
    // there.
    buffer[0] = '\r';
    buffer[1] = '\n';
    limit = 2;
    current = new PartContent(); // the preamble, skipped
  }

  /** The next part, or null after the closing delimiter. What is left of the part before is skipped. */
  Part next() throws IOException {
    if (finished) return null;
    current.skipRest();
    int first = readByte();
    int second = readByte();
    if (first == '-' && second == '-') {
      finished = true;
      return null;
    }
    while (first == ' ' || first == '\t') {
      first = second;
      second = readByte();
    }
    if (first != '\r' || second != '\n') throw malformed("a multipart delimiter must end its line");
    Map<String, String> headers = readHeaders();
    current = new PartContent();
    return new Part(headers, current);
  }

  private Map<String, String> readHeaders() throws IOException {
    Map<String, String> headers = new HashMap<>();
    int total = 0;
    StringBuilder line = new StringBuilder();
    byte[] lineBytes = new byte[MAX_HEADER_BYTES];
    while (true) {
      int length = 0;
      while (true) {
        int b = readByte();
        if (++total > MAX_HEADER_BYTES)
          throw malformed("a part's headers are larger than " + MAX_HEADER_BYTES + " bytes");
        if (b == '\r') {
          if (readByte() != '\n') throw malformed("a part's header line must end with CRLF");
          total++;
          break;
        }
        lineBytes[length++] = (byte) b;
      }
      if (length == 0) return headers;
      line.setLength(0);
      line.append(new String(lineBytes, 0, length, StandardCharsets.UTF_8));
      int colon = line.indexOf(":");
      if (colon <= 0) throw malformed("a part's header line has no name");
      headers.putIfAbsent(
          line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).strip());
    }
  }

  private int readByte() throws IOException {
    if (position == limit && !fill())
      throw malformed("the multipart body ended before its closing delimiter");
    return buffer[position++] & 0xff;
  }

  /** Moves what is unread to the front and reads more after it. @return false at the end of the input */
  private boolean fill() throws IOException {
    if (endOfInput) return false;
    if (position > 0) {
      System.arraycopy(buffer, position, buffer, 0, limit - position);
      limit -= position;
      position = 0;
    }
    int n = in.read(buffer, limit, buffer.length - limit);
    if (n < 0) {
      endOfInput = true;
      return false;
    }
    limit += n;
    return true;
  }

  /** Where the delimiter starts in what is buffered, or -1. */
  private int delimiterAt() {
    int last = limit - delimiter.length;
    outer:
    for (int i = position; i <= last; i++) {
      for (int j = 0; j < delimiter.length; j++) if (buffer[i + j] != delimiter[j]) continue outer;
      return i;
    }
    return -1;
  }

  /** One part's content: the bytes up to the next delimiter. */
  private final class PartContent extends InputStream {
    private boolean done;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) return -1;
      if (len == 0) return 0;
      while (true) {
        int at = delimiterAt();
        if (at == position) {
          position += delimiter.length;
          done = true;
          return -1;
        }
        // Bytes that cannot be the start of a delimiter are part of the content.
        int ready = at > position ? at - position : limit - position - (delimiter.length - 1);
        if (ready > 0) {
          int n = Math.min(len, ready);
          System.arraycopy(buffer, position, b, off, n);
          position += n;
          return n;
        }
        if (!fill()) throw malformed("the multipart body ended before its closing delimiter");
      }
    }

    void skipRest() throws IOException {
      byte[] sink = new byte[8192];
      while (read(sink, 0, sink.length) >= 0) {
        // skipped
      }
    }
  }
}
