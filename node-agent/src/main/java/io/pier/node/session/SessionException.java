package io.pier.node.session;

/** A request that cannot be done, with the protocol's error code (see docs/protocol.md). */
public class SessionException extends RuntimeException {
  private final String code;

  public SessionException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
