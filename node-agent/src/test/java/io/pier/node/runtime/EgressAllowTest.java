package io.pier.node.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EgressAllowTest {
  @Test
  void readsABlockWithAPortARangeOrNone() {
    assertEquals(
        new EgressAllow(Cidr.parse("10.1.2.3/32"), 443, 443), EgressAllow.parse("10.1.2.3/32:443"));
    assertEquals(
        new EgressAllow(Cidr.parse("10.1.2.0/24"), 8000, 8100),
        EgressAllow.parse("10.1.2.0/24:8000-8100"));
    assertTrue(EgressAllow.parse("10.1.2.0/24").anyPort());
    assertEquals(
        new EgressAllow(Cidr.parse("fd12::/64"), 3128, 3128), EgressAllow.parse("fd12::/64:3128"));
    assertEquals("10.1.2.0/24:8000-8100", EgressAllow.parse("10.1.2.0/24:8000-8100").toString());
  }

  @Test
  void refusesEntriesWithoutPrefixOrWithBadPorts() {
    // Without the prefix, fd12::1:443 would be an address, not port 443 of fd12::1.
    assertThrows(IllegalArgumentException.class, () -> EgressAllow.parse("fd12::1:443"));
    assertThrows(IllegalArgumentException.class, () -> EgressAllow.parse("10.1.2.3:443"));
    assertThrows(IllegalArgumentException.class, () -> EgressAllow.parse("10.1.2.3/32:0"));
    assertThrows(IllegalArgumentException.class, () -> EgressAllow.parse("10.1.2.3/32:70000"));
    assertThrows(IllegalArgumentException.class, () -> EgressAllow.parse("10.1.2.3/32:443-80"));
    assertThrows(IllegalArgumentException.class, () -> EgressAllow.parse("10.1.2.3/32:https"));
  }
}
