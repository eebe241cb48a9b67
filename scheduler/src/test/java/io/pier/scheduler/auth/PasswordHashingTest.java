package io.pier.scheduler.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashingTest {
  private final PasswordHashing passwords = new PasswordHashing();

  private Account accountWith(String password) {
    return new Account("ada", null, null, 0, false, "2026-12-05T00:00:00Z")
        .withPassword(passwords.hash(password));
  }

  @Test
  void theRightPasswordMatchesAndAnyOtherDoesNot() {
    Account ada = accountWith("correct horse");
    assertTrue(passwords.matches(ada, "correct horse"));
    assertFalse(passwords.matches(ada, "correct horsE"));
    assertFalse(passwords.matches(ada, ""));
  }

  @Test
  void noAccountMatchesNoPassword() {
    assertFalse(passwords.matches(null, "correct horse"));
  }

  @Test
  void theSamePasswordIsStoredWithADifferentSaltAndHashEachTime() {
    Account first = accountWith("correct horse");
    Account second = accountWith("correct horse");
    assertNotEquals(first.salt(), second.salt());
    assertNotEquals(first.hash(), second.hash());
    assertFalse(first.hash().contains("correct"), "the password itself is not kept");
  }

  @Test
  void aPasswordOfEightTo1024CharactersIsAcceptedAndOthersAreNamed() {
    assertNull(PasswordHashing.problem("8 chars."));
    assertNull(PasswordHashing.problem("x".repeat(1024)));
    assertNotNull(PasswordHashing.problem("7 chars"));
    assertNotNull(PasswordHashing.problem("x".repeat(1025)));
    assertNotNull(PasswordHashing.problem(null));
  }
}
