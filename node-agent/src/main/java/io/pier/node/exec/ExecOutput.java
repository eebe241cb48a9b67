package io.pier.node.exec;

import io.pier.node.runtime.PipedProcess;

/** Where one process's output goes: kept for one answer, streamed to one client, or kept for its readers. */
interface ExecOutput {
  /** One chunk, on the runtime's reading thread. May block, to hold the process back (a slow client). */
  void output(PipedProcess.Stream stream, byte[] data);

  /** The process ended (after its last output); called once, on any thread. */
  void ended(ExecProcess process);

  /** Stops waiting for room: the process is being ended, its last output must get through. Any thread. */
  default void release() {}
}
