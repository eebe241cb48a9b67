package io.pier.node.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperationTableTest {
  private final OperationTable table =
      new OperationTable(
          Map.of(
              "fs.list",
                  r ->
                      Future.succeededFuture(
                          new JsonObject()
                              .put("answeredBy", "fs.list")
                              .put("path", r.getString("path"))),
              "run.start",
                  r -> Future.succeededFuture(new JsonObject().put("answeredBy", "run.start"))));

  @Test
  void aRequestIsAnsweredByTheHandlerOfItsOperation() {
    assertEquals(
        new JsonObject().put("answeredBy", "fs.list").put("path", "src"),
        table.answer(new JsonObject().put("op", "fs.list").put("path", "src")).result());
    assertEquals(
        "run.start",
        table.answer(new JsonObject().put("op", "run.start")).result().getString("answeredBy"));
  }

  @Test
  void anUnknownOperationIsABadRequestThatNamesIt() {
    SessionException e =
        assertThrows(
            SessionException.class, () -> table.answer(new JsonObject().put("op", "fs.format")));
    assertEquals("bad_request", e.code());
    assertEquals("unknown op \"fs.format\"", e.getMessage());
  }

  @Test
  void aRequestWithoutATextOperationIsABadRequest() {
    for (JsonObject request : new JsonObject[] {new JsonObject(), new JsonObject().put("op", 7)}) {
      SessionException e = assertThrows(SessionException.class, () -> table.answer(request));
      assertEquals("bad_request", e.code());
      assertEquals("a request needs an \"op\"", e.getMessage());
    }
  }

  @Test
  void anOperationNameIsMatchedExactly() {
    assertEquals(
        "bad_request",
        assertThrows(
                SessionException.class, () -> table.answer(new JsonObject().put("op", "FS.LIST")))
            .code());
  }
}
