package io.pier.common.http.netty;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.UnpooledHttpClientConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.reflect.Field;

/**
 * The Vert.x connection (and so the Netty channel) under an {@link HttpConnection}. A connection opened with
 * {@code HttpClientAgent.connect} comes wrapped, and Vert.x 5 offers no way to its channel: the wrapper's field is
 * read. Checked when the class loads, so that a Vert.x that changes it fails every relay test at once rather than a
 * user's session later.
 */
final class VertxConnections {
  private static final Field UNPOOLED_ACTUAL = unpooledActual();

  private VertxConnections() {}

  static ConnectionBase underlying(HttpConnection connection) {
    Object actual = connection;
    if (connection instanceof UnpooledHttpClientConnection unpooled) {
      try {
        actual = UNPOOLED_ACTUAL.get(unpooled);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot reach the channel of " + connection, e);
      }
    }
    if (actual instanceof ConnectionBase base) return base;
    throw new IllegalStateException("not a Netty-backed Vert.x connection: " + actual.getClass());
  }

  private static Field unpooledActual() {
    try {
      Field field = UnpooledHttpClientConnection.class.getDeclaredField("actual");
      field.setAccessible(true);
      return field;
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(
          "this Vert.x keeps the channel of a connect()ed connection out of reach", e);
    }
  }
}
