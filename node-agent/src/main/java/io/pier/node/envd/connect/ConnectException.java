package io.pier.node.envd.connect;

/** A call that ends with a Connect error: its code and a message fit for the caller (never a stack trace). */
public final class ConnectException extends RuntimeException {
  private final ConnectCode code;

  public ConnectException(ConnectCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ConnectCode code() {
    return code;
  }
}
