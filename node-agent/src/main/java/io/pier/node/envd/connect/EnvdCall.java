package io.pier.node.envd.connect;

import io.pier.node.session.LiveRepl;
import java.time.Duration;

/**
 * Who is calling the in-sandbox API and on what: the running repl the request's slug names (its access token was
 * checked before any method runs) and the user the call asks to act as (E2B's {@code Authorization: Basic user:}),
 * which Pier maps to the repl's own unprivileged user.
 *
 * @param timeout   the call's deadline as the caller set it ({@code Connect-Timeout-Ms}); {@link Duration#ZERO}: none.
 *                  The router ends the call at the deadline; a method may also act on it (a process started with a
 *                  deadline is killed at it, as envd does)
 * @param keepalive how often a long stream should send a keep-alive message when it has nothing else to say
 *                  (E2B's {@code Keepalive-Ping-Interval} header); {@link Duration#ZERO}: never
 */
public record EnvdCall(LiveRepl repl, String user, Duration timeout, Duration keepalive) {
  public EnvdCall {
    if (timeout == null) timeout = Duration.ZERO;
    if (keepalive == null) keepalive = Duration.ZERO;
  }

  /** A call without deadline or keep-alive. */
  public EnvdCall(LiveRepl repl, String user) {
    this(repl, user, Duration.ZERO, Duration.ZERO);
  }
}
