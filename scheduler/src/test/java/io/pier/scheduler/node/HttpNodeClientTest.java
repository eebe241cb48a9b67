package io.pier.scheduler.node;

import static io.pier.scheduler.ReplServiceFixture.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.auth.TokenSigner;
import io.pier.common.http.ApiException;
import io.pier.common.node.NodeCapacity;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.NodeLoad;
import io.pier.common.node.StartRequest;
import io.pier.common.repl.Limits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What users are told when a node fails them: what went wrong, never which node or where it is. */
class HttpNodeClientTest {
  private final Vertx vertx = Vertx.vertx();
  private final HttpNodeClient client =
      new HttpNodeClient(
          WebClient.create(vertx),
          Duration.ofSeconds(5),
          new TokenSigner("a-test-secret-long-enough", Clock.systemUTC()));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static NodeInfo node(String agentUrl) {
    return new NodeInfo(
        "node-secret-7f3a",
        agentUrl,
        new NodeCapacity(10, 4096, 2),
        NodeLoad.EMPTY,
        false,
        List.of(),
        Instant.now());
  }

  private static final StartRequest START =
      new StartRequest(
          "calm-otter-123abc",
          "pier/node",
          "node index.js",
          3000,
          new Limits(1, 512, 256),
          "index.js");

  private static void assertNamesNoNode(ApiException e, String address) {
    assertFalse(e.getMessage().contains("node-secret-7f3a"), e.getMessage());
    assertFalse(e.getMessage().contains(address), e.getMessage());
  }

  @Test
  void aNodeThatDoesNotAnswerIsNotNamed() throws Exception {
    ApiException e = (ApiException) failure(client.start(node("http://127.0.0.1:1"), START));
    assertEquals("node_unreachable", e.code());
    assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
    assertNamesNoNode(e, "127.0.0.1");
  }

  @Test
  void aNodeThatAnswersWithoutAMessageIsNotNamed() throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(req -> req.response().setStatusCode(500).end("boom"))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
    String url = "http://127.0.0.1:" + server.actualPort();
    ApiException e = (ApiException) failure(client.start(node(url), START));
    assertEquals("node_error", e.code());
    assertEquals(502, e.status());
    assertNamesNoNode(e, "127.0.0.1");
  }
}
