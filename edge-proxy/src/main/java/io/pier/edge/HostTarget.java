package io.pier.edge;

import io.pier.common.repl.Slugs;
import java.util.Locale;

/** What a request's Host asks for: the Pier app itself, one repl's preview, or a host Pier does not serve. */
public sealed interface HostTarget {

  /** The apex host (or any address not under the domain): the IDE, the API, health and metrics. */
  record Apex() implements HostTarget {}

  /** {@code <slug>.<domain>}: a repl's running app. */
  record Preview(String slug) implements HostTarget {}

  /** Under the domain but not a possible slug, such as {@code a.b.<domain>}. */
  record Unknown(String host) implements HostTarget {}

  /**
   * Classifies a host name (without port) against Pier's domain. Comparison ignores case and a trailing dot.
   */
  static HostTarget of(String host, String domain) {
    if (host == null || host.isEmpty()) return new Apex();
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    String d = domain.toLowerCase(Locale.ROOT);
    if (h.equals(d)) return new Apex();
    if (!h.endsWith("." + d)) return new Apex();
    String label = h.substring(0, h.length() - d.length() - 1);
    return !label.contains(".") && Slugs.isValid(label) ? new Preview(label) : new Unknown(h);
  }
}
