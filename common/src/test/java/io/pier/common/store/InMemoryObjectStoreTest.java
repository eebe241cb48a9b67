package io.pier.common.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.store.ObjectStore.ObjectInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryObjectStoreTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private void put(String key, String content) {
    store.put(key, content.getBytes(UTF_8));
  }

  private String text(String key) {
    return new String(store.get(key).orElseThrow(), UTF_8);
  }

  @BeforeEach
  void fill() {
    put("repls/a/files/index.js", "console.log(1)");
    put("repls/a/files/lib/util.js", "x");
    put("repls/a/repl.json", "{}");
    put("repls/ab/repl.json", "{\"b\":1}");
    put("repls/b/repl.json", "{}");
    put("templates/node/pier.json", "{}");
  }

  private List<String> keys(String prefix) {
    return store.list(prefix).stream().map(ObjectInfo::key).toList();
  }

  @Test
  void listsByPrefixInKeyOrderWithSizes() {
    List<ObjectInfo> found = store.list("repls/a/");
    assertEquals(
        List.of("repls/a/files/index.js", "repls/a/files/lib/util.js", "repls/a/repl.json"),
        found.stream().map(ObjectInfo::key).toList());
    assertEquals(List.of(14L, 1L, 2L), found.stream().map(ObjectInfo::size).toList());
    assertTrue(
        found.stream().allMatch(ObjectInfo::etagIsMd5), "single-PUT objects carry their MD5");
  }

  @Test
  void listWithEmptyPrefixListsEverything() {
    assertEquals(6, store.list("").size());
  }

  @Test
  void listOfUnknownPrefixIsEmpty() {
    assertTrue(store.list("nothing/").isEmpty());
  }

  @Test
  void listFoldersGivesImmediateSubFolders() {
    assertEquals(List.of("repls/a/", "repls/ab/", "repls/b/"), store.listFolders("repls/"));
    assertEquals(List.of("repls/", "templates/"), store.listFolders(""));
    assertEquals(List.of("repls/a/files/lib/"), store.listFolders("repls/a/files/"));
  }

  @Test
  void listFoldersIgnoresFilesAtThatLevel() {
    assertEquals(List.of("repls/a/files/"), store.listFolders("repls/a/"));
  }

  @Test
  void getOfMissingKeyIsEmpty() {
    assertTrue(store.get("repls/zzz").isEmpty());
  }

  @Test
  void putCopiesTheBytes() {
    byte[] content = "abc".getBytes(UTF_8);
    store.put("k", content);
    content[0] = 'z';
    assertEquals("abc", text("k"));
    store.get("k").orElseThrow()[0] = 'y';
    assertEquals("abc", text("k"));
  }

  @Test
  void copyDuplicatesAnObject() {
    store.copy("repls/a/files/index.js", "repls/c/files/index.js");
    assertEquals("console.log(1)", text("repls/c/files/index.js"));
    assertEquals("console.log(1)", text("repls/a/files/index.js"));
  }

  @Test
  void copyIsIndependentOfLaterChangesToTheSource() {
    store.copy("repls/a/repl.json", "repls/c/repl.json");
    put("repls/a/repl.json", "changed");
    assertEquals("{}", text("repls/c/repl.json"));
  }

  @Test
  void copyOfMissingObjectFails() {
    assertThrows(IllegalArgumentException.class, () -> store.copy("nope", "other"));
  }

  @Test
  void deletePrefixDeletesOnlyThatPrefix() {
    assertEquals(3, store.deletePrefix("repls/a/"));
    assertTrue(store.list("repls/a/").isEmpty());
    assertEquals(List.of("repls/ab/repl.json", "repls/b/repl.json"), keys("repls/"));
  }

  @Test
  void deleteRemovesOneObject() {
    store.delete("repls/b/repl.json");
    assertTrue(store.get("repls/b/repl.json").isEmpty());
    assertEquals(5, store.list("").size());
  }

  @Test
  void putFileAndStreamRoundTrip(@TempDir Path dir) throws IOException {
    Path source = Files.writeString(dir.resolve("in.txt"), "hello");
    store.putFile("f/in.txt", source);
    try (var in = store.openStream("f/in.txt").orElseThrow()) {
      assertArrayEquals("hello".getBytes(UTF_8), in.readAllBytes());
    }
    store.putStream("f/s.txt", 3, () -> new ByteArrayInputStream("abcdef".getBytes(UTF_8)));
    assertArrayEquals("abc".getBytes(UTF_8), store.get("f/s.txt").orElseThrow());
  }

  @Test
  void aMissingObjectHasNoStreamAndDotSegmentKeysAreRefused() {
    assertTrue(store.openStream("nope").isEmpty());
    assertThrows(
        ObjectStore.Refused.class,
        () ->
            store.putStream(
                "repls/a/files/../../b/x", 1, () -> new ByteArrayInputStream(new byte[1])));
  }
}
