package io.pier.node.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.Mains;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SandboxAddressesTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    Mains.await(vertx.close(), Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @ValueSource(strings = {"172.18.0.2", "10.1.2.3", "fd00::2"})
  void anotherHostsAddressIsUsed(String address) {
    assertTrue(SandboxAddresses.usable(address));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.1.2.3",
        "0.0.0.0",
        "::1",
        "::",
        "224.0.0.1",
        "localhost",
        "example.com",
        "beef",
        "",
        "172.18.0.2:80",
        "1.2.3"
      })
  void thisNodesOwnAddressesAndNamesAreNever(String address) {
    assertFalse(SandboxAddresses.usable(address));
  }

  @Test
  void theDriverIsAskedOncePerSandboxAndAgainForANewOne() throws Exception {
    Map<String, String> sandboxOf = new HashMap<>(Map.of("blue-fox-1a2b3c", "c1"));
    AtomicInteger asked = new AtomicInteger();
    SandboxAddresses addresses =
        new SandboxAddresses(
            vertx,
            slug -> Optional.ofNullable(sandboxOf.get(slug)).map(id -> started(id, null)),
            id -> {
              asked.incrementAndGet();
              return Optional.of(id.equals("c1") ? "172.18.0.2" : "172.18.0.3");
            });
    assertEquals(Optional.of("172.18.0.2"), await(addresses, "blue-fox-1a2b3c"));
    assertEquals(Optional.of("172.18.0.2"), await(addresses, "blue-fox-1a2b3c"));
    assertEquals(1, asked.get());
    sandboxOf.put("blue-fox-1a2b3c", "c2");
    assertEquals(Optional.of("172.18.0.3"), await(addresses, "blue-fox-1a2b3c"));
    assertEquals(2, asked.get());
    assertEquals(Optional.empty(), await(addresses, "red-owl-4d5e6f"));
    assertFalse(addresses.runsHere("red-owl-4d5e6f"));
  }

  @Test
  void aDriversAddressOfThisNodeIsNotUsed() throws Exception {
    SandboxAddresses addresses =
        new SandboxAddresses(
            vertx, slug -> Optional.of(started("c1", "127.0.0.1")), id -> Optional.of("127.0.0.1"));
    assertEquals(Optional.empty(), await(addresses, "blue-fox-1a2b3c"));
  }

  @Test
  void theAddressTheStartReadIsUsedWithoutAskingTheDriver() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    SandboxAddresses addresses =
        new SandboxAddresses(
            vertx,
            slug -> Optional.of(started("c1", "172.18.0.2")),
            id -> {
              asked.incrementAndGet();
              return Optional.of("172.18.0.9");
            });
    assertEquals(Optional.of("172.18.0.2"), await(addresses, "blue-fox-1a2b3c"));
    assertEquals(0, asked.get());
  }

  private static RunningSandbox started(String id, String address) {
    return new RunningSandbox(id, Optional.ofNullable(address));
  }

  private static Optional<String> await(SandboxAddresses addresses, String slug) throws Exception {
    return Mains.await(addresses.of(slug), Duration.ofSeconds(30));
  }
}
