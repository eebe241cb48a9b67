package io.pier.node.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DockerExecsTest {

  @Test
  void aTerminalSetsItsSizeThenBecomesTheCommand() {
    assertEquals(
        List.of(
            "/bin/sh",
            "-c",
            "stty rows \"$1\" cols \"$2\" 2>/dev/null; shift 2; exec \"$@\"",
            "pier-tty",
            "24",
            "80",
            "bash",
            "-l"),
        DockerExecs.sizedTerminal(List.of("bash", "-l"), 80, 24));
  }

  @Test
  void theCommandsArgumentsArePassedAsTheyAre() {
    List<String> argv = DockerExecs.sizedTerminal(List.of("echo", "a b", "$HOME"), 100, 30);
    assertEquals(List.of("echo", "a b", "$HOME"), argv.subList(6, argv.size()));
  }
}
