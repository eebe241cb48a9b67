package io.pier.node.ports;

import io.pier.common.auth.AuthToken;
import io.pier.common.auth.SandboxAccessTokens;
import io.pier.common.auth.TokenSigner;
import io.pier.common.repl.ReplAccess;
import io.pier.common.repl.ReplRecord;
import io.vertx.core.MultiMap;
import java.util.Optional;

/**
 * Who may reach a port of a repl's sandbox (docs/security.md, "Sandbox ports"). The repl's preview visibility decides,
 * as E2B's {@code allowPublicTraffic} does: a public repl's ports are open to anyone, as its preview is; a private
 * repl's need its traffic access token (E2B's {@code trafficAccessToken}, header {@value #TRAFFIC_HEADER}), or the
 * bearer token or API key of its owner, an account it is shared with, an administrator or a Pier service. The
 * sign-in cookie never counts: it is never sent to these hosts, and a cookie would let other pages send requests in the user's name.
 */
public final class PortAccess {
  /** E2B's header for a sandbox's traffic access token. */
  public static final String TRAFFIC_HEADER = "e2b-traffic-access-token";

  /** What a request may do. */
  public enum Verdict {
    ALLOWED,
    /** No credential for this private repl: 401. */
    UNAUTHENTICATED,
    /** A credential, but not one that opens this repl: 403. */
    FORBIDDEN
  }

  private final TokenSigner tokens;
  private final SandboxAccessTokens traffic;

  public PortAccess(TokenSigner tokens, SandboxAccessTokens traffic) {
    this.tokens = tokens;
    this.traffic = traffic;
  }

  /** Whether a request with {@code headers} may reach a port of {@code repl}. */
  public Verdict check(ReplRecord repl, MultiMap headers) {
    if (!repl.isPrivate()) return Verdict.ALLOWED;
    String presented = headers.get(TRAFFIC_HEADER);
    String bearer = bearer(headers);
    if (presented == null && bearer == null) return Verdict.UNAUTHENTICATED;
    if (presented != null
        && repl.createdAt() != null
        && traffic.verify(repl.slug(), repl.createdAt().toEpochMilli(), presented))
      return Verdict.ALLOWED;
    Optional<AuthToken> caller = bearer == null ? Optional.empty() : tokens.verify(bearer);
    // Anyone the repl is shared with sees its ports, as they see its preview.
    if (caller.isPresent() && ReplAccess.roleOf(caller.get(), repl).isPresent())
      return Verdict.ALLOWED;
    return Verdict.FORBIDDEN;
  }

  /**
   * Takes Pier's credentials out of headers going to the sandbox's app: the traffic access token, and a bearer header
   * that holds a valid Pier token (the app is the user's code, dependencies included, as a preview's is).
   */
  public void removeCredentials(MultiMap headers) {
    headers.remove(TRAFFIC_HEADER);
    String bearer = bearer(headers);
    if (bearer != null && tokens.verify(bearer).isPresent()) headers.remove("Authorization");
  }

  private static String bearer(MultiMap headers) {
    String header = headers.get("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7))
      return header.substring(7).trim();
    return null;
  }
}
