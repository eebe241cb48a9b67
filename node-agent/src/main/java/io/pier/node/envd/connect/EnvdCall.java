package io.pier.node.envd.connect;

import io.pier.node.session.LiveRepl;

/**
 * Who is calling the in-sandbox API and on what: the running repl the request's slug names (its access token was
 * checked before any method runs) and the user the call asks to act as (E2B's {@code Authorization: Basic user:}),
 * which Pier maps to the repl's own unprivileged user.
 */
public record EnvdCall(LiveRepl repl, String user) {}
