package io.pier.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.client.FakePier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pierctl's sharing commands against a fake Pier on loopback: what they send, print and exit with. */
class SharingTest {
  private static final String SLUG = "blue-fox-1a2b3c";
  private static final String AT = "/api/repls/" + SLUG;

  private final FakePier fake;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path dir;

  SharingTest() throws Exception {
    fake = new FakePier();
  }

  @AfterEach
  void close() {
    fake.close();
  }

  private int pierctl(String... args) {
    Map<String, String> env = Map.of("PIER_URL", fake.url().toString(), "PIER_KEY", "pier_k_s");
    return new PierCtl(
            new ConfigStore(dir.resolve("config.json"), env),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shareGivesViewerUnlessAnotherRoleIsAsked() {
    fake.answer(
        "PUT " + AT + "/collaborators/bob", 200, "{\"account\":\"bob\",\"role\":\"viewer\"}");
    assertEquals(0, pierctl("share", SLUG, "bob"));
    assertEquals("{\"role\":\"viewer\"}", fake.last().bodyText());
    assertEquals("shared " + SLUG + " with bob as viewer\n", out());

    fake.answer(
        "PUT " + AT + "/collaborators/bob", 200, "{\"account\":\"bob\",\"role\":\"editor\"}");
    assertEquals(0, pierctl("share", SLUG, "bob", "--role", "editor"));
    assertEquals("{\"role\":\"editor\"}", fake.last().bodyText());
  }

  @Test
  void aRoleOtherThanEditorOrViewerIsAUsageErrorWithoutAskingPier() {
    assertEquals(2, pierctl("share", SLUG, "bob", "--role", "owner"));
    assertTrue(err().startsWith("pierctl: --role is editor or viewer, not owner\n"), err());
    assertEquals(2, pierctl("share", SLUG));
    assertTrue(err().contains("pierctl: missing account to share with"), err());
    assertEquals(2, pierctl("share", SLUG, "bob", "carol"));
    assertEquals(2, pierctl("unshare", SLUG));
    assertEquals(2, pierctl("leave"));
    assertEquals(2, pierctl("collaborators", SLUG, "extra"));
    assertTrue(fake.requests().isEmpty());
  }

  @Test
  void pierRefusingAShareIsOneLineAndExits1() {
    fake.answer(
        "PUT " + AT + "/collaborators/nobody",
        404,
        "{\"error\":\"unknown_account\",\"message\":\"no account named 'nobody'\"}");
    assertEquals(1, pierctl("share", SLUG, "nobody"));
    assertEquals("pierctl: no account named 'nobody' (404 unknown_account)\n", err());
  }

  @Test
  void unshareDeletesTheAccountsEntry() {
    fake.answer(
        "DELETE " + AT + "/collaborators/bob", 200, "{\"account\":\"bob\",\"removed\":true}");
    assertEquals(0, pierctl("unshare", SLUG, "bob"));
    assertEquals("DELETE", fake.last().method());
    assertEquals(SLUG + " is no longer shared with bob\n", out());
  }

  @Test
  void collaboratorsPrintsTheOwnerThenEachAccountWithItsRole() {
    fake.answer(
        "GET " + AT + "/collaborators",
        200,
        "{\"owner\":\"ada\",\"collaborators\":[{\"account\":\"bob\",\"role\":\"editor\"}]}");
    assertEquals(0, pierctl("collaborators", SLUG));
    assertEquals(
        String.format(
            "%-24s %s%n%-24s %s%n%-24s %s%n", "ACCOUNT", "ROLE", "ada", "owner", "bob", "editor"),
        out());
  }

  @Test
  void leaveRemovesTheCallersOwnEntry() {
    fake.answer("GET /api/auth/me", 200, "{\"username\":\"bob\",\"admin\":false}");
    fake.answer(
        "DELETE " + AT + "/collaborators/bob", 200, "{\"account\":\"bob\",\"removed\":true}");
    assertEquals(0, pierctl("leave", SLUG));
    assertEquals("left " + SLUG + "\n", out());
    assertEquals(AT + "/collaborators/bob", fake.last().target());
  }

  @Test
  void lsSharedShowsOwnerAndRole() {
    fake.answer(
        "GET /api/repls?scope=shared",
        200,
        "{\"repls\":[{\"slug\":\""
            + SLUG
            + "\",\"template\":\"node\",\"state\":\"stopped\",\"owner\":\"ada\",\"role\":\"viewer\"}]}");
    assertEquals(0, pierctl("ls", "--shared"));
    String[] lines = out().split("\n");
    assertEquals(2, lines.length, out());
    assertTrue(lines[0].matches("SLUG +TEMPLATE +STATE +OWNER +ROLE"), lines[0]);
    assertTrue(lines[1].matches(SLUG + " +node +stopped +ada +viewer"), lines[1]);
  }

  @Test
  void forkLinkTurnsForkableOnOrOff() {
    fake.answer("PATCH " + AT, 200, "{\"slug\":\"" + SLUG + "\",\"forkable\":true}");
    assertEquals(0, pierctl("fork-link", SLUG, "on"));
    assertEquals("{\"forkable\":true}", fake.last().bodyText());
    assertEquals("anyone signed in may now fork " + SLUG + "\n", out());

    fake.answer("PATCH " + AT, 200, "{\"slug\":\"" + SLUG + "\",\"forkable\":false}");
    assertEquals(0, pierctl("fork-link", SLUG, "off"));
    assertEquals("{\"forkable\":false}", fake.last().bodyText());
  }

  @Test
  void forkLinkTakesOnlyOnOrOff() {
    assertEquals(2, pierctl("fork-link", SLUG, "yes"));
    assertTrue(err().startsWith("pierctl: fork-link takes on or off, not yes\n"), err());
    assertEquals(2, pierctl("fork-link", SLUG));
    assertTrue(fake.requests().isEmpty());
  }
}
