package io.pier.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StorageLayoutTest {

  @Test
  void keysFollowTheDesignedLayout() {
    assertEquals("templates/node/", StorageLayout.template("node"));
    assertEquals("repls/brave-otter-1/", StorageLayout.repl("brave-otter-1"));
    assertEquals("repls/brave-otter-1/files/", StorageLayout.replFiles("brave-otter-1"));
    assertEquals("repls/brave-otter-1/repl.json", StorageLayout.replMetadata("brave-otter-1"));
  }

  @Test
  void everythingOfAReplIsUnderItsPrefix() {
    String prefix = StorageLayout.repl("s");
    assertTrue(prefix.startsWith(StorageLayout.REPLS));
    assertTrue(StorageLayout.replFiles("s").startsWith(prefix));
    assertTrue(StorageLayout.replMetadata("s").startsWith(prefix));
    // A slug that is a prefix of another must not share its folder.
    assertTrue(!StorageLayout.repl("sa").startsWith(prefix));
  }
}
