package io.pier.node.envd;

import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The envelopes of Connect's streaming calls: one flag byte, a 4-byte big-endian length, then the message (JSON
 * here). Flag {@code 0x01} marks a compressed message (Pier accepts none), {@code 0x02} the end of the stream.
 */
final class ConnectEnvelope {
  static final int COMPRESSED = 0x01;
  static final int END_STREAM = 0x02;
  private static final int HEADER = 5;

  private ConnectEnvelope() {}

  /** One message in its envelope. */
  static Buffer message(JsonObject message) {
    return wrap(0, message.toBuffer());
  }

  /** The end of a stream that ended well. */
  static Buffer endOk() {
    return wrap(END_STREAM, Buffer.buffer("{}"));
  }

  /** The end of a stream that ended with {@code error}. */
  static Buffer endWith(ConnectException error) {
    JsonObject end =
        new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("code", error.code().wireName())
                    .put("message", error.getMessage()));
    return wrap(END_STREAM, end.toBuffer());
  }

  /**
   * The one request message of a server-streaming call's body.
   *
   * @throws ConnectException {@code invalid_argument} when the body is not exactly one JSON object in an envelope,
   *     {@code unimplemented} when it is compressed
   */
  static JsonObject singleRequest(Buffer body) {
    if (body == null || body.length() < HEADER) {
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT, "the request must be one enveloped message");
    }
    int flags = body.getUnsignedByte(0);
    long length = body.getUnsignedInt(1);
    if ((flags & COMPRESSED) != 0) {
      throw new ConnectException(
          ConnectCode.UNIMPLEMENTED, "compressed messages are not supported; send them plain");
    }
    if (flags != 0) {
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT, "the request's envelope has unknown flags " + flags);
    }
    if (length != body.length() - HEADER) {
      throw new ConnectException(
          ConnectCode.INVALID_ARGUMENT,
          "a server-streaming call takes exactly one message; the envelope's length does not match the body");
    }
    return json(body.slice(HEADER, body.length()));
  }

  /** A message's JSON: an object ({@code {}} when empty). */
  static JsonObject json(Buffer bytes) {
    if (bytes.length() == 0) return new JsonObject();
    try {
      Object parsed = bytes.toJsonValue();
      if (parsed instanceof JsonObject object) return object;
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    throw new ConnectException(ConnectCode.INVALID_ARGUMENT, "the message is not a JSON object");
  }

  private static Buffer wrap(int flags, Buffer payload) {
    return Buffer.buffer(HEADER + payload.length())
        .appendByte((byte) flags)
        .appendInt(payload.length())
        .appendBuffer(payload);
  }
}
