package io.pier.node.collab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pier.node.session.SessionException;
import io.vertx.core.json.JsonArray;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextChangesTest {
  private static JsonArray json(String s) {
    return new JsonArray(s);
  }

  @Test
  void appliesCodeMirrorsChangeSetJson() {
    // ChangeSet.of([{from: 0, insert: "// "}, {from: 5, to: 8, insert: "x\ny"}], 11).toJSON()
    assertEquals(
        "// hello\nx\ny world",
        TextChanges.apply("hello world", json("[[0,\"// \"],5,[1,\"\",\"x\",\"y \"],5]")));
    assertEquals("hel", TextChanges.apply("hello", json("[3,[2]]")));
    assertEquals("abc", TextChanges.apply("", json("[[0,\"abc\"]]")));
    assertEquals("", TextChanges.apply("", json("[]")));
  }

  @Test
  void countsUtf16UnitsAsTheEditorDoes() {
    assertEquals("😀!", TextChanges.apply("😀", json("[2,[0,\"!\"]]")));
  }

  @Test
  void refusesAChangeMadeToAnotherText() {
    for (String bad :
        new String[] {
          "[3]", "[6]", "[[6]]", "[-1,[6]]", "[1.5]", "[\"x\"]", "[[]]", "[[1,2]]", "[5,{}]"
        }) {
      SessionException e =
          assertThrows(SessionException.class, () -> TextChanges.apply("hello", json(bad)), bad);
      assertEquals("bad_request", e.code());
    }
  }

  @Test
  void theChangeBetweenTwoTextsTurnsOneIntoTheOther() {
    Random random = new Random(7);
    String alphabet = "ab\n😀c";
    for (int i = 0; i < 2000; i++) {
      String a = randomText(random, alphabet);
      String b = randomText(random, alphabet);
      assertEquals(b, TextChanges.apply(a, TextChanges.between(a, b)), a + " -> " + b);
    }
    assertEquals(json("[5]"), TextChanges.between("hello", "hello"));
  }

  private static String randomText(Random random, String alphabet) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return s.toString();
  }
}
