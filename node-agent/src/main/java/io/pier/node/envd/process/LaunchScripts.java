package io.pier.node.envd.process;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The command lines that run an E2B process in the repl's sandbox, as the repl's user, all through {@code /bin/sh}:
 * the launch script prints its process id on the first line (read off by {@link PidPrefix}), changes to the working
 * directory, then becomes the command, so that the process leads its own group (the sandbox starts each exec in a new
 * session) and signals reach everything it started.
 *
 * <p>A process started with {@code stdin} reads a FIFO in the sandbox's {@code /tmp}, because the container engine's
 * exec without a terminal has no stdin that can be written later and closed: a holder process keeps the FIFO's write
 * end open (so the command sees no end of input between writes), each input is one short exec that writes to it, and
 * closing stdin ends the holder. Everything runs inside the sandbox as its user: the node-agent touches no file.
 */
final class LaunchScripts {
  private static final String PLAIN = "echo $$; cd -- \"$1\" || exit 1; shift; exec \"$@\"";

  private static final String WITH_STDIN =
      "echo $$; cd -- \"$1\" || exit 1; f=$2; shift 2; mkfifo -m 600 \"$f\" || exit 1; "
          + "sleep 2147483647 >\"$f\" 2>/dev/null </dev/null & echo $! >\"$f.pid\"; "
          + "exec \"$@\" <\"$f\"";

  private static final String INPUT =
      "[ -p \"$1\" ] || exit 3; printf %s \"$2\" | base64 -d >\"$1\"";

  private static final String CLOSE_STDIN =
      "[ -f \"$1.pid\" ] || exit 0; kill \"$(cat \"$1.pid\")\" 2>/dev/null; rm -f \"$1.pid\"";

  private static final String CLEAN_UP =
      "[ -f \"$1.pid\" ] && kill \"$(cat \"$1.pid\")\" 2>/dev/null; rm -f \"$1\" \"$1.pid\"";

  private static final String SIGNAL =
      "kill -\"$1\" -\"$2\" 2>/dev/null || kill -\"$1\" \"$2\" 2>/dev/null; true";

  /** How long one input write may wait for the process to take it (its pipe full, it not reading). */
  static final int INPUT_SECONDS = 10;

  private LaunchScripts() {}

  /** The FIFO a process with stdin reads, by its id. */
  static String fifo(String processId) {
    return "/tmp/.pier-envd-stdin-" + processId;
  }

  /** Runs {@code command} in {@code cwd}; with stdin, the command reads {@code fifo}. */
  static List<String> launch(List<String> command, String cwd, String fifo) {
    List<String> argv = new ArrayList<>(command.size() + 6);
    argv.add("/bin/sh");
    argv.add("-c");
    argv.add(fifo == null ? PLAIN : WITH_STDIN);
    argv.add("pier-envd");
    argv.add(cwd);
    if (fifo != null) argv.add(fifo);
    argv.addAll(command);
    return argv;
  }

  /** Writes {@code data} to the process's stdin FIFO (exit 3: the FIFO is gone, the process ended). */
  static List<String> input(String fifo, byte[] data) {
    return List.of(
        "timeout",
        String.valueOf(INPUT_SECONDS),
        "/bin/sh",
        "-c",
        INPUT,
        "pier-input",
        fifo,
        Base64.getEncoder().encodeToString(data));
  }

  /** Ends the holder of the FIFO's write end: the process reads the end of its input. */
  static List<String> closeStdin(String fifo) {
    return List.of("/bin/sh", "-c", CLOSE_STDIN, "pier-close", fifo);
  }

  /** Ends the holder, removes the FIFO: the process has ended. */
  static List<String> cleanUp(String fifo) {
    return List.of("/bin/sh", "-c", CLEAN_UP, "pier-clean", fifo);
  }

  /** Sends {@code signal} ({@code KILL}, {@code TERM}) to the group {@code pid} leads, or to it alone. */
  static List<String> signal(int pid, String signal) {
    return List.of("/bin/sh", "-c", SIGNAL, "pier-signal", signal, String.valueOf(pid));
  }
}
