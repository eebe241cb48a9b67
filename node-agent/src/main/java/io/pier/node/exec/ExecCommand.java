package io.pier.node.exec;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a request's command runs in the sandbox: through {@code /bin/sh}, which prints its process id on stdout's first
 * line (read off by {@link PidLine}) and then becomes the command, so that the process is the leader of its own group
 * (the sandbox starts each exec in a new session) and the group can be signalled as a whole: a timeout kills the
 * process and everything it started. The stdin, when there is one, travels base64-encoded in the environment and is
 * piped in, because the container engine's exec cannot close a process's stdin.
 */
final class ExecCommand {
  static final String STDIN_VAR = ExecRequests.RESERVED_PREFIX + "STDIN";

  private static final String PLAIN = "echo $$; exec \"$@\"";
  private static final String WITH_STDIN =
      "echo $$; printf %s \"$"
          + STDIN_VAR
          + "\" | base64 -d | { unset "
          + STDIN_VAR
          + "; exec \"$@\"; }";

  /** Signals a process group, or the process alone when it leads none. Its arguments: the signal, the id. */
  private static final String SIGNAL =
      "kill -\"$1\" -\"$2\" 2>/dev/null || kill -\"$1\" \"$2\" 2>/dev/null; true";

  /** The signals a request may send. */
  static final List<String> SIGNALS = List.of("KILL", "TERM", "INT", "HUP", "QUIT", "USR1", "USR2");

  private ExecCommand() {}

  /** The command line the sandbox runs for {@code request}. */
  static List<String> argv(ExecRequest request) {
    List<String> argv = new ArrayList<>(request.cmd().size() + 4);
    argv.add("/bin/sh");
    argv.add("-c");
    argv.add(request.stdin() == null ? PLAIN : WITH_STDIN);
    argv.add("pier-exec");
    argv.addAll(request.cmd());
    return argv;
  }

  /** The environment added for {@code request}: its own, and the stdin. */
  static Map<String, String> env(ExecRequest request) {
    if (request.stdin() == null) return request.env();
    Map<String, String> env = new LinkedHashMap<>(request.env());
    env.put(STDIN_VAR, Base64.getEncoder().encodeToString(request.stdin()));
    return env;
  }

  /** Sends {@code signal} (one of {@link #SIGNALS}) to the group {@code pid} leads. */
  static List<String> signal(int pid, String signal) {
    if (!SIGNALS.contains(signal)) throw new IllegalArgumentException("signal " + signal);
    return List.of("/bin/sh", "-c", SIGNAL, "pier-signal", signal, String.valueOf(pid));
  }
}
