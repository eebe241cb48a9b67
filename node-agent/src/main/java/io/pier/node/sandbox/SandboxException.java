package io.pier.node.sandbox;

/** A driver could not do what it was asked; the message says why in words a user may read. */
public class SandboxException extends RuntimeException {
  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
