package io.pier.node.session;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** A file's bytes as the text the IDE edits. */
final class Utf8Text {
  private Utf8Text() {}

  /** The bytes as UTF-8 text; a NUL in the first 8 KiB or malformed UTF-8 is a binary file, refused. */
  static String decode(byte[] bytes, String path) {
    for (int i = 0; i < Math.min(bytes.length, 8192); i++) {
      if (bytes[i] == 0) throw new SessionException("binary", "not a text file: " + path);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SessionException("binary", "not UTF-8 text: " + path);
    }
  }
}
