package io.pier.node.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shell that waits in a sandbox, as its first process, for its first run ({@link WaitingRun}) and what it is sent:
 * the run's variables and command as one line. The line travels through a terminal, so it holds only letters, digits
 * and a few marks: every other byte is a {@code printf} octal escape, which the shell turns back into the script it
 * evaluates. A value is quoted in the script, so no byte of it is ever read as shell syntax.
 */
final class RunScript {
  /** What the waiting shell prints once it will not echo what it reads: before it, a line sent would be shown. */
  static final String READY = "pier-run-ready";

  /** What the shell prints when it cannot wait (no {@code stty} or no job control in the image). */
  static final String CANNOT_WAIT = "pier-run-none";

  /**
   * Before the run's exit code, which the shell prints when the run ended: an OSC sequence (a terminal shows none of
   * it), then the shell's nonce, a {@code ;}, the code and a BEL.
   */
  static final String EXIT_MARK = "\033]pier-run-exit;";

  /** What the shell becomes once it has run the line, or was sent none: the sandbox's idle process, as before. */
  private static final String IDLE = "exec sleep infinity";

  /**
   * Reads one line, puts the terminal back as it was ({@code $t}), evaluates the line (which runs the run as a job of
   * its own and waits for it), prints the run's exit code after {@link #EXIT_MARK} and does {@code then}; an empty
   * line or the end of its input does {@code then} at once.
   */
  static String decode(String then) {
    return "IFS= read -r s || "
        + then
        + "; stty \"$t\" 2>/dev/null; [ -n \"$s\" ] || "
        + then
        + "; eval \"$(printf \"$s\")\"; c=$?; printf '"
        + EXIT_MARK.replace("\033", "\\033")
        + "%s;%s\\007' \"$n\" \"$c\"; "
        + then;
  }

  /**
   * The sandbox's first process, on the sandbox's terminal: turns off echo and the terminal's canonical mode (which
   * cuts lines at 4,095 bytes), turns on job control (so the run leads a process group of its own, which a stop
   * signals, and takes the terminal's signals), makes the folder of the run's process id, says it is ready and reads
   * its line ({@link #decode}). Its own messages (a job's end) go nowhere; the run gets the terminal as its stderr
   * (fd 3). It traps interrupts: a shell with job control whose job died of one (Ctrl-C to the run) raises it on
   * itself, which would end it and its sandbox. Without {@code stty} or job control it says so and idles, and the run
   * starts the usual way.
   */
  static final List<String> FIRST_PROCESS =
      List.of(
          "/bin/sh",
          "-c",
          "t=$(stty -g 2>/dev/null) && stty -echo -icanon min 1 time 0 rows 30 cols 120 2>/dev/null"
              + " && set -m 2>/dev/null && case $- in *m*) ;; *) false;; esac || { printf '"
              + CANNOT_WAIT
              + "\\n'; "
              + IDLE
              + "; }; trap : INT; exec 3>&2 2>/dev/null; mkdir -p "
              + LiveRepl.PID_DIR
              + "; printf '"
              + READY
              + "\\n'; "
              + decode(IDLE));

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
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9]{1,64}");

  private RunScript() {}

  /**
   * The line that makes the waiting shell run {@code command} in a new {@code /bin/sh}, {@code env} exported, as a job
   * of its own, and then print its exit code with {@code nonce} ({@link #decode}); empty when a variable's name is not
   * one a shell can export or the line would be longer than {@link #MAX_LINE} (then the run is started the usual
   * way).
   *
   * @param nonce letters and digits only: what tells the shell's exit line from the run's own output
   */
  static Optional<String> line(Map<String, String> env, String command, String nonce) {
    if (!NONCE.matcher(nonce).matches())
      throw new IllegalArgumentException("not a nonce: " + nonce);
    StringBuilder script = new StringBuilder("n=").append(nonce).append("\n(\nexec 2>&3 3>&-\n");
    for (Map.Entry<String, String> variable : env.entrySet()) {
      if (!NAME.matcher(variable.getKey()).matches()) return Optional.empty();
      script
          .append("export ")
          .append(variable.getKey())
          .append('=')
          .append(quoted(variable.getValue()))
          .append('\n');
    }
    script.append("exec /bin/sh -c ").append(quoted(command)).append("\n)\n");
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
