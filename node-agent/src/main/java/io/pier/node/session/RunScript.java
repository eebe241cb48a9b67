package io.pier.node.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shell that waits in a sandbox for its first run ({@link WaitingRun}) and what it is sent: the run's variables
 * and command as one line. The line travels through a terminal, so it holds only letters, digits and a few marks: every
 * other byte is a {@code printf} octal escape, which the shell turns back into the script it evaluates. A value is
 * quoted in the script, so no byte of it is ever read as shell syntax.
 */
final class RunScript {
  /** What the waiting shell prints once it will not echo what it reads: before it, a line sent would be shown. */
  static final String READY = "pier-run-ready";

  /** Reads one line, puts the terminal back as it was ({@code $t}), and evaluates the line; ends on an empty one. */
  static final String DECODE =
      "IFS= read -r s || exit 0; stty \"$t\" 2>/dev/null; [ -n \"$s\" ] || exit 0; eval \"$(printf \"$s\")\"";

  /**
   * The waiting shell: turns off echo and the terminal's canonical mode (which cuts lines at 4,095 bytes), makes the
   * folder of the run's process id (a process less when the run starts), says it is ready, and reads its line
   * ({@link #DECODE}); it ends on the end of its input (the agent that started it is gone). Without {@code stty} it
   * ends at once, and the run starts the usual way.
   */
  static final List<String> WAITING_SHELL =
      List.of(
          "/bin/sh",
          "-c",
          "t=$(stty -g 2>/dev/null) && stty -echo -icanon min 1 time 0 2>/dev/null || exit 0; mkdir -p "
              + LiveRepl.PID_DIR
              + "; printf '"
              + READY
              + "\\n'; "
              + DECODE);

  /** The run itself, as {@link RunProcess} starts it on its own: writes its process id, then becomes the command. */
  static String runCommand(String pidDir, String pidFile) {
    return writingItsPid(pidDir, pidFile, "/bin/sh -c \"$PIER_RUN\"");
  }

  /**
   * A shell line that writes its process id to {@code pidFile}, in {@code pidDir}, then becomes {@code command} (same
   * pid, so the process it names leads the group that a stop signals): a run's and a terminal's. The folder is made
   * only when missing (the waiting shell made it), as the test is a shell builtin and {@code mkdir} a process.
   */
  static String writingItsPid(String pidDir, String pidFile, String command) {
    return "{ [ -d "
        + pidDir
        + " ] || mkdir -p "
        + pidDir
        + "; } && echo $$ > "
        + pidFile
        + " && exec "
        + command;
  }

  /**
   * The longest line sent: the shell reads it a byte at a time, so variables of many kilobytes (up to 100 of 8 KiB
   * each) are passed the usual way instead.
   */
  static final int MAX_LINE = 64 * 1024;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private RunScript() {}

  /**
   * The line that makes the waiting shell export {@code env} and run {@code command}; empty when a variable's name is
   * not one a shell can export or the line would be longer than {@link #MAX_LINE} (then the run is started the usual
   * way).
   */
  static Optional<String> line(Map<String, String> env, String command) {
    StringBuilder script = new StringBuilder();
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (!NAME.matcher(variable.getKey()).matches()) return Optional.empty();
      script
          .append("export ")
          .append(variable.getKey())
          .append('=')
          .append(quoted(variable.getValue()))
          .append('\n');
    }
    script.append(command).append('\n');
    String line = encoded(script.toString()) + "\n";
    return line.length() > MAX_LINE ? Optional.empty() : Optional.of(line);
  }

  /** {@code value} in single quotes, each quote in it closed, escaped and reopened. */
  static String quoted(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** {@code text} as a {@code printf} format that prints it: safe bytes as they are, the rest as {@code \ooo}. */
  static String encoded(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || c == ' '
          || c == '_'
          || c == '-'
          || c == '.'
          || c == '/'
          || c == '='
          || c == ':'
          || c == ',') {
        out.append((char) c);
      } else {
        out.append('\\')
            .append((char) ('0' + (c >> 6)))
            .append((char) ('0' + ((c >> 3) & 7)))
            .append((char) ('0' + (c & 7)));
      }
    }
    return out.toString();
  }
}
