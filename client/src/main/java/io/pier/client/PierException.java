package io.pier.client;

/**
 * What Pier answered instead of success, or why it could not be asked: the HTTP status (0 when no answer came), the
 * error code of Pier's JSON error body ({@code {"error": code, "message": text}}) and its message.
 */
public final class PierException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public PierException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public PierException(String code, String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
    this.code = code;
  }

  /** The HTTP status, or 0 when Pier could not be reached. */
  public int status() {
    return status;
  }

  /** Pier's error code, such as {@code unknown_repl}; {@code unreachable} when no answer came. */
  public String code() {
    return code;
  }

  /** One readable line: the message, then status and code, e.g. {@code no such repl (404 unknown_repl)}. */
  public String line() {
    return getMessage() + " (" + (status == 0 ? "" : status + " ") + code + ")";
  }
}
