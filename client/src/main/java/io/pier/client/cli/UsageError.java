package io.pier.client.cli;

/** The command line is wrong: pierctl says what and exits 2. */
final class UsageError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageError(String message) {
    super(message);
  }
}
