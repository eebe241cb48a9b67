package io.pier.scheduler.e2b;

import io.pier.common.auth.ApiKeyText;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Pier API key written the way the E2B SDKs check keys before sending them ({@code e2b_} and hex digits): the same
 * key, its id and secret bytes in hex, so that the SDKs' format check passes without {@code E2B_VALIDATE_API_KEY=false}.
 * {@code pier_<16 hex id>_<43 base64url secret>} is {@code e2b_<16 hex id><64 hex secret>}; either form is accepted.
 */
public final class E2bKeys {
  private static final String PREFIX = "e2b_";
  private static final Pattern SHAPE = Pattern.compile("e2b_([0-9a-f]{16})([0-9a-f]{64})");

  private E2bKeys() {}

  /** The Pier form of an E2B-form key; any other text as it is (a Pier key, a sign-in token, garbage). */
  public static String toPier(String presented) {
    if (presented == null || !presented.startsWith(PREFIX)) return presented;
    var m = SHAPE.matcher(presented);
    if (!m.matches()) return presented;
    byte[] secret = HexFormat.of().parseHex(m.group(2));
    return ApiKeyText.PREFIX
        + m.group(1)
        + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** The E2B form of a well-formed Pier key; empty for anything else. */
  public static Optional<String> fromPier(String pierKey) {
    return ApiKeyText.parse(pierKey)
        .map(
            p ->
                PREFIX
                    + p.id()
                    + HexFormat.of().formatHex(Base64.getUrlDecoder().decode(p.secret())));
  }
}
