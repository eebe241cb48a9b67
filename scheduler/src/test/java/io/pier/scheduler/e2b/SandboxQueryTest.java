package io.pier.scheduler.e2b;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pier.common.http.ApiException;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SandboxQueryTest {
  @Test
  void metadataIsDecodedOnceForTheFormAndOnceForEachKeyAndValue() {
    // {"my key": "50% off"} as the JavaScript SDK encodes it, after the query string's own
    // decoding.
    assertEquals(
        Map.of("my key", "50% off", "app", "prod"),
        SandboxQuery.metadata("my%2520key=50%2525%2520off&app=prod"));
    assertEquals(Map.of("a", "1+1"), SandboxQuery.metadata("a=1%252B1"));
  }

  @Test
  void metadataEncodedOnlyOnceReadsAsMeant() {
    assertEquals(Map.of("note", "100%"), SandboxQuery.metadata("note=100%25"));
  }

  @Test
  void aPairWithoutAnEqualsSignIsRefused() {
    ApiException e = assertThrows(ApiException.class, () -> SandboxQuery.metadata("a=1&b"));
    assertEquals(400, e.status());
  }

  @Test
  void statesComeCommaSeparatedOrRepeatedAndDefaultToBoth() {
    assertEquals(
        Set.of("running", "paused"),
        SandboxQuery.parse(MultiMap.caseInsensitiveMultiMap()).states());
    assertEquals(
        Set.of("paused"),
        SandboxQuery.parse(MultiMap.caseInsensitiveMultiMap().add("state", "paused")).states());
    assertEquals(
        Set.of("running", "paused"),
        SandboxQuery.parse(
                MultiMap.caseInsensitiveMultiMap().add("state", "running").add("state", "paused"))
            .states());
  }

  @Test
  void aCursorRoundTripsAndAForgedOneIsRefused() {
    SandboxQuery.Cursor cursor = new SandboxQuery.Cursor(1234L, "blue-fox-1a2b3c");
    assertEquals(cursor, SandboxQuery.Cursor.parse(cursor.token()));
    assertEquals(
        400, assertThrows(ApiException.class, () -> SandboxQuery.Cursor.parse("!!")).status());
  }
}
