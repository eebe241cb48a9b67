package io.pier.node.envd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EnvdUsersTest {
  @Test
  void noUserAndE2bsDefaultUserAreTheReplsOwnUser() {
    assertEquals(EnvdUsers.DEFAULT, EnvdUsers.user(null));
    assertEquals(EnvdUsers.DEFAULT, EnvdUsers.user(basic("user:")));
    assertEquals(EnvdUsers.DEFAULT, EnvdUsers.user(basic("runner:")));
  }

  @Test
  void rootIsRefusedNeverMappedToRoot() {
    ConnectException refused =
        assertThrows(ConnectException.class, () -> EnvdUsers.user(basic("root:")));
    assertEquals(ConnectCode.PERMISSION_DENIED, refused.code());
  }

  @Test
  void anyOtherUserIsRefused() {
    ConnectException refused =
        assertThrows(ConnectException.class, () -> EnvdUsers.user(basic("postgres:")));
    assertEquals(ConnectCode.PERMISSION_DENIED, refused.code());
  }

  @Test
  void aHeaderThatIsNotBasicIsUnauthenticated() {
    for (String header : new String[] {"Bearer abc", "Basic %%%"}) {
      ConnectException refused = assertThrows(ConnectException.class, () -> EnvdUsers.user(header));
      assertEquals(ConnectCode.UNAUTHENTICATED, refused.code(), header);
    }
  }

  @Test
  void theConnectTimeoutHeaderIsReadOrRefused() {
    assertEquals(0, EnvdGate.timeout(null).toMillis());
    assertEquals(60_000, EnvdGate.timeout("60000").toMillis());
    assertThrows(ConnectException.class, () -> EnvdGate.timeout("12345678901"));
    assertThrows(ConnectException.class, () -> EnvdGate.timeout("-5"));
    assertEquals(50, EnvdGate.keepalive("50").toSeconds());
    assertEquals(0, EnvdGate.keepalive("soon").toSeconds());
  }

  private static String basic(String userColon) {
    return "Basic "
        + Base64.getEncoder().encodeToString(userColon.getBytes(StandardCharsets.UTF_8));
  }
}
