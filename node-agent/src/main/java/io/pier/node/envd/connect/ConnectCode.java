package io.pier.node.envd.connect;

import java.util.Locale;

/**
 * The error codes of the Connect protocol (connectrpc.com/docs/protocol#error-codes), with the HTTP status a unary
 * call answers each with. A streamed call always answers 200 and carries the code in its end-of-stream message.
 */
public enum ConnectCode {
  CANCELED(499),
  UNKNOWN(500),
  INVALID_ARGUMENT(400),
  DEADLINE_EXCEEDED(504),
  NOT_FOUND(404),
  ALREADY_EXISTS(409),
  PERMISSION_DENIED(403),
  RESOURCE_EXHAUSTED(429),
  FAILED_PRECONDITION(400),
  ABORTED(409),
  OUT_OF_RANGE(400),
  UNIMPLEMENTED(501),
  INTERNAL(500),
  UNAVAILABLE(503),
  DATA_LOSS(500),
  UNAUTHENTICATED(401);

  private final int httpStatus;

  ConnectCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status of a unary call that failed with this code. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The code as the wire spells it ({@code not_found}). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
