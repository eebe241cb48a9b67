package io.pier.client;

/** Receives a streamed command's output as it comes, on the thread that called exec. */
public interface ExecListener {
  void stdout(byte[] data);

  void stderr(byte[] data);

  /** Pier dropped this many bytes of output the client did not read fast enough. */
  default void dropped(long bytes) {}
}
