package io.pier.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostResolversTest {
  @TempDir Path dir;

  @Test
  void replsMayAskTheHostsNonLoopbackResolversOnPort53() throws Exception {
    Path conf =
        Files.writeString(
            dir.resolve("resolv.conf"),
            "# comment\nsearch internal\nnameserver 10.0.0.2\nnameserver 127.0.0.1\nnameserver fe80::1%eth0\n");
    assertEquals(
        List.of(EgressAllow.parse("10.0.0.2/32:53"), EgressAllow.parse("fe80::1/128:53")),
        new HostResolvers(conf, dir.resolve("absent")).allowances());
  }

  @Test
  void behindSystemdResolvedsStubTheUpstreamServersCount() throws Exception {
    Path stub = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\n");
    Path upstream = Files.writeString(dir.resolve("upstream.conf"), "nameserver 169.254.169.253\n");
    assertEquals(
        List.of(EgressAllow.parse("169.254.169.253/32:53")),
        new HostResolvers(stub, upstream).allowances());
  }
}
