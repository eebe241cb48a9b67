package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line a waiting shell is sent, decoded by a real {@code /bin/sh} as the sandbox's shell decodes it. */
class RunScriptTest {
  private static final String NONCE = "c0ffee42";
  private static final String HOSTILE =
      "it's \"quoted\" $(echo injected) `id` ${HOME} %s %% \\n \\ back\nsecond line ünï 日本 \t"
          + " ; exit 7 # '\\'' \u0001";

  @Test
  void everyByteOfAValueReachesTheRunAsItWasAndNoneIsReadAsShell() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GREETING", HOSTILE);
    env.put("EMPTY", "");
    env.put("TRAILING", "ends in a newline\n");
    String line =
        RunScript.line(env, "printf '%s|%s|%s' \"$GREETING\" \"$EMPTY\" \"$TRAILING\"", NONCE)
            .orElseThrow();

    assertTrue(line.matches("[A-Za-z0-9 _=./:,\\\\-]*\n"), "only safe characters travel: " + line);
    assertEquals(HOSTILE + "||ends in a newline\n" + ended(0), waitingShell(line));
  }

  @Test
  void theRunCommandIsEvaluatedAsTheUsualExecWouldRunIt() throws Exception {
    String line =
        RunScript.line(
                Map.of("PIER_RUN", "echo \"run:$0:$PORT\"", "PORT", "3000"),
                "exec /bin/sh -c \"$PIER_RUN\"",
                NONCE)
            .orElseThrow();
    assertEquals("run:/bin/sh:3000\n" + ended(0), waitingShell(line));
  }

  @Test
  void theRunsExitCodeFollowsItsOutputWithTheNonceAndTheShellsOwnVariablesStayItsOwn()
      throws Exception {
    String line =
        RunScript.line(Map.of("A", "1"), "echo \"[$n][$s][$t][$A]\"; exit 7", NONCE).orElseThrow();
    assertEquals("[][][][1]\n" + ended(7), waitingShell(line));
  }

  @Test
  void theRunBecomesTheCommandWhoseProcessIdItWroteWhetherOrNotItsFolderWasThere(@TempDir Path tmp)
      throws Exception {
    Path pidDir = tmp.resolve("pids");
    Path pidFile = pidDir.resolve("run.pid");
    for (String round : List.of("the folder is made", "the folder is there")) {
      ProcessBuilder run =
          new ProcessBuilder(
                  "/bin/sh", "-c", RunScript.runCommand(pidDir.toString(), pidFile.toString()))
              .redirectErrorStream(true);
      run.environment().put("PIER_RUN", "echo $$");
      Process shell = run.start();
      String printed = new String(shell.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertTrue(shell.waitFor(10, TimeUnit.SECONDS));
      assertEquals(Files.readString(pidFile).strip(), printed.strip(), round);
    }
  }

  @Test
  void anEmptyLineEndsTheShellWithoutRunningAnything() throws Exception {
    assertEquals("", waitingShell("\n"));
  }

  @Test
  void aNameNoShellCanExportOrAHugeLineGoesTheUsualWay() {
    assertTrue(RunScript.line(Map.of("A-B", "1"), "true", NONCE).isEmpty());
    assertTrue(
        RunScript.line(Map.of("BIG", "\u0001".repeat(RunScript.MAX_LINE / 4)), "true", NONCE)
            .isEmpty());
    assertTrue(RunScript.line(Map.of("SMALL", "x".repeat(1000)), "true", NONCE).isPresent());
  }

  /** The shell's line after a run that ended with {@code code}. */
  private static String ended(int code) {
    return RunScript.EXIT_MARK + NONCE + ";" + code + "\007";
  }

  /**
   * What the waiting shell prints once it has read {@code line}, here without a terminal to set: fd 3 is its stderr,
   * as in the sandbox, and it ends where the sandbox's idles.
   */
  private static String waitingShell(String line) throws IOException, InterruptedException {
    Process shell =
        new ProcessBuilder("/bin/sh", "-c", "exec 3>&2; " + RunScript.decode("exit 0"))
            .redirectErrorStream(true)
            .start();
    shell.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
    shell.getOutputStream().close();
    assertTrue(shell.waitFor(10, TimeUnit.SECONDS), "the shell ended");
    return new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
