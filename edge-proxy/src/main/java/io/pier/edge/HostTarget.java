package io.pier.edge;

import io.pier.common.repl.Slugs;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request's Host asks for: the Pier app itself, one repl's preview, E2B's control plane, one port of a
 * sandbox, or a host Pier does not serve (docs/architecture.md, "Edge-proxy: routing by Host"; docs/e2b.md).
 */
public sealed interface HostTarget {

  /** The label of E2B's control plane, {@code api.<domain>}. */
  String API_LABEL = "api";

  /** The label of E2B's sandbox host that names its sandbox and port in headers, {@code sandbox.<domain>}. */
  String SANDBOX_LABEL = "sandbox";

  /** E2B's port of the in-sandbox API (envd). */
  int ENVD_PORT = 49983;

  /** A label {@code <port>-<slug>}: digits, a dash, the rest. Slugs never start with a digit. */
  Pattern PORT_LABEL = Pattern.compile("([0-9]+)-(.*)");

  /** A port as E2B writes it in a host or header: 1 to 65535, no sign, no leading zero. */
  Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

  /** The apex host (or any address not under the domain): the IDE, the API, health and metrics. */
  record Apex() implements HostTarget {}

  /** {@code <slug>.<domain>}: a repl's running app. */
  record Preview(String slug) implements HostTarget {}

  /** {@code api.<domain>}: E2B's control plane, served by a scheduler under {@code /e2b}. */
  record Api() implements HostTarget {}

  /**
   * {@code <port>-<slug>.<domain>}: one port of a repl's sandbox; {@link #ENVD_PORT} is its in-sandbox API.
   *
   * @param port 1 to 65535
   */
  record SandboxPort(String slug, int port) implements HostTarget {
    public boolean envd() {
      return port == ENVD_PORT;
    }
  }

  /** {@code sandbox.<domain>}: a sandbox port named by the headers {@code E2b-Sandbox-Id} and {@code -Port}. */
  record SandboxByHeaders() implements HostTarget {}

  /** Under the domain but not a possible slug, such as {@code a.b.<domain>} or {@code 99999-x.<domain>}. */
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
    int dot = h.length() - d.length() - 1;
    if (dot < 0 || h.charAt(dot) != '.' || !h.endsWith(d)) return new Apex();
    String label = h.substring(0, dot);
    if (label.contains(".") || !Slugs.isValid(label)) return new Unknown(h);
    if (label.equals(API_LABEL)) return new Api();
    if (label.equals(SANDBOX_LABEL)) return new SandboxByHeaders();
    char first = label.charAt(0);
    if (first < '0' || first > '9') return new Preview(label);
    Matcher portAndSlug = PORT_LABEL.matcher(label);
    if (!portAndSlug.matches()) return new Preview(label);
    SandboxPort sandbox = sandboxPort(portAndSlug.group(2), portAndSlug.group(1));
    return sandbox == null ? new Unknown(h) : sandbox;
  }

  /**
   * A sandbox's port from its id and port as written (in a host or in E2B's headers); null when either is not one:
   * the id must be a slug (which never starts with a digit), the port 1 to 65535 without leading zeros.
   */
  static SandboxPort sandboxPort(String slug, String port) {
    if (slug == null || port == null) return null;
    if (!Slugs.isValid(slug) || !Character.isLetter(slug.charAt(0))) return null;
    if (slug.equals(API_LABEL) || slug.equals(SANDBOX_LABEL)) return null;
    if (!PORT.matcher(port).matches()) return null;
    int number = Integer.parseInt(port);
    return number <= 65535 ? new SandboxPort(slug, number) : null;
  }
}
