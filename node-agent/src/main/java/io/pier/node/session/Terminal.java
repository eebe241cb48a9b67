package io.pier.node.session;

import io.pier.node.runtime.TtyProcess;
import java.util.LinkedHashSet;
import java.util.Set;

/** One shell on a pseudo-terminal in a repl's container, kept for the tabs that attach to it. */
final class Terminal {
  static final int REPLAY_BYTES = 64 * 1024;

  final int channel;

  /** This terminal among all the repl's terminals so far: channels are reused, shells' pid files must not be. */
  final long serial;

  final OutputBuffer output = new OutputBuffer(REPLAY_BYTES);

  /** The sizes the held output was drawn at, sent with its replay. */
  final TerminalSizes sizes = new TerminalSizes();

  /** Backpressure on the shell's output: paused while no attached tab reads. */
  final OutputFlow flow = new OutputFlow();

  final Set<SessionSocket> attached = new LinkedHashSet<>();
  TtyProcess process;
  boolean exited;

  /** When the last tab detached (nanoTime), or -1 while one is attached. */
  long detachedSince = -1;

  Terminal(int channel, long serial) {
    this.channel = channel;
    this.serial = serial;
  }

  /** From the next byte of output on, the shell draws for {@code cols}×{@code rows}. */
  void sized(int cols, int rows) {
    sizes.record(output.written(), cols, rows, output.oldestHeld());
  }

  /**
   * Where the shell writes its process id, so that closing the terminal can end it. Named by serial, not only by
   * channel: a terminal closed while another tab opens one on the same channel would otherwise read the new shell's
   * pid and end it.
   */
  String pidFile() {
    return LiveRepl.PID_DIR + "/term-" + channel + "-" + serial + ".pid";
  }
}
