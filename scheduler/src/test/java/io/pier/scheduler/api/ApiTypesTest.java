package io.pier.scheduler.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The web client's API types are generated from the OpenAPI document, never written by hand: this fails when the
 * committed file is not what the document gives (and rewrites it with {@code -Dpier.writeApiTypes=true}).
 */
class ApiTypesTest {
  private static final Path TYPES = Path.of("../web/src/ui/lib/api-types.ts");

  @Test
  void theWebClientsTypesAreTheOnesTheDocumentGives() throws Exception {
    String generated = TypeScriptTypes.of(ApiContract.read());
    if (Boolean.getBoolean("pier.writeApiTypes")) {
      Files.writeString(TYPES, generated, StandardCharsets.UTF_8);
    }
    assertEquals(
        generated,
        Files.exists(TYPES) ? Files.readString(TYPES, StandardCharsets.UTF_8) : "",
        TYPES
            + " is out of date with openapi.yaml: mvn -pl scheduler -am test -Dtest=ApiTypesTest"
            + " -Dpier.writeApiTypes=true");
  }
}
