package io.pier.node.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AttachmentTest {
  @Test
  void aDownloadIsSavedUnderTheFilesOwnName() {
    assertEquals(
        "attachment; filename=\"logo.png\"; filename*=UTF-8''logo.png",
        Attachment.disposition("assets/logo.png", "repl"));
  }

  @Test
  void quotesSeparatorsAndNonAsciiNeverReachTheHeaderUnescaped() {
    assertEquals(
        "attachment; filename=\"a__b_c_d.txt\"; filename*=UTF-8''a%22%3Bb%0Dc%C3%A9d.txt",
        Attachment.disposition("x/a\";b\rcéd.txt", "repl"));
  }

  @Test
  void theWorkspaceItselfIsNamedAfterItsRepl() {
    assertEquals(
        "attachment; filename=\"brave-otter\"; filename*=UTF-8''brave-otter",
        Attachment.disposition("", "brave-otter"));
  }
}
