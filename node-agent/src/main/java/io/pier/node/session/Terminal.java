package io.pier.node.session;

import io.pier.node.runtime.TtyProcess;
import java.util.LinkedHashSet;
import java.util.Set;

/** One shell on a pseudo-terminal in a repl's container, kept for the tabs that attach to it. */
final class Terminal {
  static final int REPLAY_BYTES = 64 * 1024;

  final int channel;
  final OutputBuffer output = new OutputBuffer(REPLAY_BYTES);
  /** Backpressure on the shell's output: paused while no attached tab reads. */
  final OutputFlow flow = new OutputFlow();
  final Set<SessionSocket> attached = new LinkedHashSet<>();
  TtyProcess process;
  boolean exited;
  /** When the last tab detached (nanoTime), or -1 while one is attached. */
  long detachedSince = -1;

  Terminal(int channel) {
    this.channel = channel;
  }

  /** Where the shell writes its process id, so that closing the terminal can end it. */
  String pidFile() {
    return "/tmp/.pier/term-" + channel + ".pid";
  }
}
