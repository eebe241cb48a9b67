package io.pier.common.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.AuthToken;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplAccessTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final ReplRecord SHARED =
      new ReplRecord(
              "calm-heron-1a2b3c",
              "node",
              "alice",
              ReplState.RUNNING,
              "node-1",
              NOW,
              NOW,
              new Limits(0.5, 256, 128))
          .withCollaborators(Map.of("bob", ReplRole.EDITOR, "carol", ReplRole.VIEWER));

  private static AuthToken user(String name) {
    return new AuthToken(name, false, NOW.plusSeconds(3600), NOW);
  }

  @Test
  void theOwnerAdministratorsAndServicesAreOwners() {
    assertEquals(Optional.of(ReplRole.OWNER), ReplAccess.roleOf(user("alice"), SHARED));
    assertEquals(
        Optional.of(ReplRole.OWNER),
        ReplAccess.roleOf(new AuthToken("root", true, NOW.plusSeconds(60), NOW), SHARED));
    assertEquals(Optional.of(ReplRole.OWNER), ReplAccess.roleOf(user("service:edge"), SHARED));
  }

  @Test
  void collaboratorsHaveTheRoleTheyWereGiven() {
    assertEquals(Optional.of(ReplRole.EDITOR), ReplAccess.roleOf(user("bob"), SHARED));
    assertEquals(Optional.of(ReplRole.VIEWER), ReplAccess.roleOf(user("carol"), SHARED));
  }

  @Test
  void anyoneElseAndNoRecordAndNoCallerHaveNone() {
    assertTrue(ReplAccess.roleOf(user("mallory"), SHARED).isEmpty());
    assertTrue(ReplAccess.roleOf(user("alice"), null).isEmpty());
    assertTrue(ReplAccess.roleOf(null, SHARED).isEmpty());
  }

  @Test
  void aReplIsSharedWithItsCollaboratorsOnlyNotItsOwner() {
    assertTrue(ReplAccess.isCollaborator("bob", SHARED));
    assertTrue(ReplAccess.isCollaborator("carol", SHARED));
    assertFalse(ReplAccess.isCollaborator("alice", SHARED));
    assertFalse(ReplAccess.isCollaborator("mallory", SHARED));
    assertFalse(ReplAccess.isCollaborator("bob", null));
    assertFalse(ReplAccess.isCollaborator(null, SHARED));
    assertEquals(Optional.of(ReplRole.VIEWER), ReplAccess.collaboratorRole("carol", SHARED));
    assertTrue(ReplAccess.collaboratorRole("alice", SHARED).isEmpty());
  }

  @Test
  void aViewerMayNeitherChangeNorManageAnEditorMayChangeButNotManage() {
    assertFalse(ReplRole.VIEWER.canChange());
    assertFalse(ReplRole.VIEWER.canManage());
    assertTrue(ReplRole.EDITOR.canChange());
    assertFalse(ReplRole.EDITOR.canManage());
    assertTrue(ReplRole.OWNER.canChange());
    assertTrue(ReplRole.OWNER.canManage());
  }

  @Test
  void eachRoleMayDoWhatTheWeakerOnesMay() {
    assertTrue(ReplRole.OWNER.atLeast(ReplRole.VIEWER));
    assertTrue(ReplRole.EDITOR.atLeast(ReplRole.EDITOR));
    assertTrue(ReplRole.EDITOR.atLeast(ReplRole.VIEWER));
    assertFalse(ReplRole.EDITOR.atLeast(ReplRole.OWNER));
    assertFalse(ReplRole.VIEWER.atLeast(ReplRole.EDITOR));
  }

  @Test
  void onlyEditorAndViewerCanBeGiven() {
    assertEquals(ReplRole.EDITOR, ReplRole.collaborator("editor"));
    assertEquals(ReplRole.VIEWER, ReplRole.collaborator("viewer"));
    assertThrows(IllegalArgumentException.class, () -> ReplRole.collaborator("owner"));
    assertThrows(IllegalArgumentException.class, () -> ReplRole.collaborator(null));
  }
}
