package io.pier.node.workspace.loop;

import java.util.List;

/** Runs a host command to completion: how {@link LoopVolumes} reaches mkfs, mount and losetup; scripted in tests. */
interface Shell {

  Result run(List<String> command);

  /** A finished command: its exit code and what it printed (stdout and stderr together). */
  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }
}
