package io.pier.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
  @Test
  void readsIpv4AndIpv6BlocksAndSingleAddresses() {
    assertEquals("10.0.0.0/8", Cidr.parse("10.0.0.0/8").toString());
    assertEquals("10.1.2.3/32", Cidr.parse(" 10.1.2.3 ").toString());
    assertTrue(Cidr.parse("fc00::/7").ipv6());
    assertEquals(128, Cidr.parse("fd7a::1").prefix());
  }

  @Test
  void aScopedAddressBecomesTheBareAddress() throws Exception {
    InetAddress scoped =
        Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 2);
    assertEquals("fe80:0:0:0:0:0:0:1/128", new Cidr(scoped, 128).toString());
  }

  @Test
  void refusesHostNamesTyposAndBitsPastThePrefix() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("mirror.internal/32"))
            .getMessage()
            .contains("no host names"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("300.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::ffff:10.0.0.1"));
    String message =
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.1.2.3/24")).getMessage();
    assertTrue(message.contains("10.1.2.0/24") && message.contains("10.1.2.3/32"), message);
  }

  @Test
  void aBlockContainsTheBlocksInsideItOfItsFamilyOnly() {
    assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.parse("10.9.0.0/16")));
    assertTrue(Cidr.parse("fc00::/7").contains(Cidr.parse("fd7a:1::2")));
    assertFalse(Cidr.parse("10.9.0.0/16").contains(Cidr.parse("10.0.0.0/8")));
    assertFalse(Cidr.parse("10.0.0.0/8").contains(Cidr.parse("11.0.0.1")));
    assertFalse(Cidr.parse("0.0.0.0/0").contains(Cidr.parse("::1")));
  }
}
