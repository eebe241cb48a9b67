package io.pier.e2e;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a repl can reach: TCP connections opened from inside a repl's container, as the repl's user (uid 1000), with
 * bash's /dev/tcp. A destination counts as reachable when the connection is accepted within three seconds; refused,
 * rejected, unreachable and silent alike count as not.
 */
final class ReplProbes {
  static final String REPL_UID = "1000";

  /** A destination to try. */
  record Target(String host, int port) {
    @Override
    public String toString() {
      return host + ":" + port;
    }
  }

  private ReplProbes() {}

  /**
   * Tries every target from inside {@code container} (of {@code dockerd}) in one {@code docker exec}.
   *
   * @param targets name (letters, digits, '-', '.') → destination
   * @return name → reachable, in the targets' order
   * @throws IllegalStateException when the probing itself failed (no answer for a target, not the repl's uid): a
   *                               probe that did not run must not read as "refused"
   */
  static Map<String, Boolean> reachability(
      NodeDockerd dockerd, String container, Map<String, Target> targets) {
    StringBuilder script = new StringBuilder("echo \"uid $(id -u)\"\n");
    for (Map.Entry<String, Target> target : targets.entrySet()) {
      if (!target.getKey().matches("[A-Za-z0-9.-]+"))
        throw new IllegalArgumentException(target.getKey());
      if (!target.getValue().host().matches("[0-9a-fA-F.:]+"))
        throw new IllegalArgumentException(target.getValue().host());
      script
          .append("if timeout 3 bash -c 'exec 3<>/dev/tcp/")
          .append(target.getValue().host())
          .append('/')
          .append(target.getValue().port())
          .append("' 2>/dev/null; then echo '")
          .append(target.getKey())
          .append(" open'; else echo '")
          .append(target.getKey())
          .append(" closed'; fi\n");
    }
    HostCommands.Result result =
        dockerd.docker(List.of("exec", "-u", REPL_UID, container, "bash", "-c", script.toString()));
    if (!result.ok())
      throw new IllegalStateException(
          "the probes did not run in " + container + ": " + result.output());
    Map<String, String> answers = new LinkedHashMap<>();
    for (String line : result.output().split("\n")) {
      String[] words = line.strip().split(" ");
      if (words.length == 2) answers.put(words[0], words[1]);
    }
    if (!REPL_UID.equals(answers.get("uid")))
      throw new IllegalStateException("not the repl's user: " + result.output());
    Map<String, Boolean> reachable = new LinkedHashMap<>();
    for (String name : targets.keySet()) {
      String answer = answers.get(name);
      if (answer == null)
        throw new IllegalStateException("no answer for " + name + ": " + result.output());
      reachable.put(name, answer.equals("open"));
    }
    return reachable;
  }
}
