package io.pier.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentsTest {
  private static final Set<String> VALUED = Set.of("--label", "--cwd");
  private static final Set<String> FLAGS = Set.of("--background");

  @Test
  void optionsTakeValuesInBothFormsAndRepeat() {
    Arguments a =
        Arguments.parse(
            List.of("node", "--label", "a=1", "--label=b=2", "--background"), VALUED, FLAGS);
    assertEquals(List.of("node"), a.positionals());
    assertEquals(List.of("a=1", "b=2"), a.all("--label"));
    assertTrue(a.flag("--background"));
  }

  @Test
  void everythingAfterDashDashIsTheCommandUntouched() {
    Arguments a =
        Arguments.parse(
            List.of("slug", "--cwd", "app", "--", "ls", "--label", "-la", "--"), VALUED, FLAGS);
    assertEquals(List.of("slug"), a.positionals());
    assertEquals("app", a.option("--cwd"));
    assertEquals(List.of("ls", "--label", "-la", "--"), a.rest());
  }

  @Test
  void unknownOptionsMissingValuesAndExtraArgumentsAreUsageErrors() {
    assertEquals(
        "unknown option --nope",
        assertThrows(UsageError.class, () -> Arguments.parse(List.of("--nope"), VALUED, FLAGS))
            .getMessage());
    assertEquals(
        "--cwd needs a value",
        assertThrows(UsageError.class, () -> Arguments.parse(List.of("--cwd"), VALUED, FLAGS))
            .getMessage());
    assertThrows(
        UsageError.class, () -> Arguments.parse(List.of("--background=yes"), VALUED, FLAGS));
    assertEquals(
        "unexpected argument b",
        assertThrows(
                UsageError.class, () -> Arguments.parse(List.of("a", "b"), VALUED, FLAGS).atMost(1))
            .getMessage());
    assertEquals(
        "missing repl slug",
        assertThrows(
                UsageError.class,
                () -> Arguments.parse(List.of(), VALUED, FLAGS).required(0, "repl slug"))
            .getMessage());
  }

  @Test
  void durationsReadAsPeopleTypeThem() {
    assertEquals(Duration.ofMinutes(30), Durations.parse("30m"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofDays(7), Durations.parse("7d"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
    assertThrows(UsageError.class, () -> Durations.parse("half an hour"));
  }

  @Test
  void theRemoteSideOfCpIsSlugColonPath() {
    assertEquals(
        new Copy.Remote("blue-fox-1a2b3c", "src/app.js"),
        Copy.Remote.of("blue-fox-1a2b3c:src/app.js"));
    assertEquals(new Copy.Remote("r", ""), Copy.Remote.of("r:"));
    assertEquals(null, Copy.Remote.of("./a:b"));
    assertEquals(null, Copy.Remote.of("/tmp/x"));
  }
}
