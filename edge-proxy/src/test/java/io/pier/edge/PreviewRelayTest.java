package io.pier.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreviewRelayTest {
  @Test
  void everyHopByHopHeaderAndTheHostAreRecognisedInAnyCase() {
    for (String name :
        List.of(
            "Connection",
            "KEEP-ALIVE",
            "proxy-authenticate",
            "Proxy-Authorization",
            "Proxy-Connection",
            "te",
            "Trailer",
            "Transfer-Encoding",
            "Upgrade",
            "Host")) {
      assertTrue(PreviewRelay.hopByHop(name), name);
    }
    for (String name : List.of("Cookie", "Content-Length", "Tea", "X-Upgrade", "Hosts", "Accept")) {
      assertFalse(PreviewRelay.hopByHop(name), name);
    }
  }

  @Test
  void headersTheConnectionHeaderNamesStayBehindAndRepeatedOnesAreAllKept() {
    MultiMap from =
        MultiMap.caseInsensitiveMultiMap()
            .add("Connection", "keep-alive, X-Private")
            .add("Connection", "X-Other")
            .add("X-Private", "1")
            .add("x-other", "2")
            .add("Set-Cookie", "a=1")
            .add("Set-Cookie", "b=2")
            .add("Content-Length", "5")
            .add("Transfer-Encoding", "chunked");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    PreviewRelay.copyHeaders(from, to);
    assertEquals(List.of("a=1", "b=2"), to.getAll("Set-Cookie"));
    assertEquals("5", to.get("Content-Length"));
    assertEquals(2, to.names().size(), to.toString());
  }

  @Test
  void aPlainKeepAliveConnectionHeaderKeepsEveryOtherHeader() {
    MultiMap from =
        MultiMap.caseInsensitiveMultiMap().add("Connection", "keep-alive").add("Accept", "*/*");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    PreviewRelay.copyHeaders(from, to);
    assertEquals("*/*", to.get("Accept"));
    assertEquals(1, to.size());
  }
}
