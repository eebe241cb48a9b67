package io.pier.common.http;

import io.pier.common.config.Env;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which {@code Origin} a browser request to Pier's apex may carry when it changes something or opens a WebSocket.
 * Previews live on {@code <slug>.<domain>}, the same site as the apex, so a SameSite=Lax cookie does not stop a
 * preview's page from sending the user's sign-in cookie to the apex; the Origin header, which pages cannot forge, does.
 *
 * <p>Allowed: the origin of the request itself (its scheme and {@code Host}, as the browser addressed it), the
 * origin of the configured public URL (for a TLS terminator in front that changes the scheme), and any extra origin
 * the operator lists. A request without an {@code Origin} (curl, API clients) is not this policy's business.
 */
public final class OriginPolicy {
  private final String publicOrigin;
  private final Set<String> extra;

  /**
   * @param publicUrl    the URL users reach Pier at, or null
   * @param extraOrigins further allowed origins such as {@code https://ide.example.com}
   * @throws IllegalArgumentException when an extra origin is not an {@code http(s)://host[:port]} origin
   */
  public OriginPolicy(URI publicUrl, Collection<String> extraOrigins) {
    this.publicOrigin =
        publicUrl == null
            ? null
            : normalise(publicUrl.getScheme() + "://" + publicUrl.getRawAuthority());
    this.extra =
        extraOrigins.stream()
            .map(
                o -> {
                  String n = normalise(o);
                  if (n == null)
                    throw new IllegalArgumentException(
                        "not an origin (scheme://host[:port]): " + o);
                  return n;
                })
            .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * {@code PIER_ALLOWED_ORIGINS}: the comma-separated extra origins every service that checks origins reads alike;
   * one that is not an origin is a problem of {@code env}.
   */
  public static List<String> allowedOrigins(Env env) {
    List<String> origins = env.list("PIER_ALLOWED_ORIGINS", "");
    for (String origin : origins) {
      if (normalise(origin) == null)
        env.problem("PIER_ALLOWED_ORIGINS: not an origin (scheme://host[:port]): " + origin);
    }
    return origins;
  }

  /** True for the methods that may change state, which are the ones a foreign page must not send with cookies. */
  public static boolean changesState(HttpMethod method) {
    return !(HttpMethod.GET.equals(method)
        || HttpMethod.HEAD.equals(method)
        || HttpMethod.OPTIONS.equals(method));
  }

  /**
   * @param origin    the request's {@code Origin} header; null is allowed (no browser page sent it)
   * @param scheme    {@code http} or {@code https}, as the client reached this server
   * @param authority the request's {@code Host}; null when it had none
   */
  public boolean allows(String origin, String scheme, HostAndPort authority) {
    if (origin == null) return true;
    String claimed = normalise(origin.trim());
    if (claimed == null) return false;
    if (claimed.equals(publicOrigin) || extra.contains(claimed)) return true;
    return authority != null && claimed.equals(normalise(scheme + "://" + hostPort(authority)));
  }

  private static String hostPort(HostAndPort authority) {
    String host = authority.host();
    // An IPv6 literal needs its brackets back to parse as a URL authority.
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) host = "[" + host + "]";
    return authority.port() >= 0 ? host + ":" + authority.port() : host;
  }

  /**
   * {@code scheme://host:port} in lower case with the default port made explicit, or null for anything that is not a
   * plain http(s) origin ({@code null}, paths, user info, other schemes).
   */
  static String normalise(String origin) {
    try {
      URI uri = new URI(origin);
      String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!"http".equals(scheme) && !"https".equals(scheme)) return null;
      if (uri.getHost() == null
          || uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        return null;
      }
      String path = uri.getRawPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) return null;
      int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
      String host = uri.getHost().toLowerCase(Locale.ROOT);
      if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
      return scheme + "://" + host + ":" + port;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
