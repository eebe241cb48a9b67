package io.pier.node.files;

import io.pier.common.http.ApiException;
import io.pier.node.workspace.WorkspaceAccessException;
import io.pier.node.workspace.WorkspaceTree;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The workspace path a request of the programs' API names: what follows {@code /api/repls/<slug>/files} (or
 * {@code archive}) in the raw request path, percent-decoded here as strict UTF-8, then held to the workspace's rules
 * (relative, no empty, {@code .} or {@code ..} segment, no NUL). The router's own normalisation is not used: it
 * would resolve {@code a/../b} to {@code b} instead of refusing it.
 */
final class ApiPaths {
  private ApiPaths() {}

  /**
   * @param rawPath the request's path as sent (percent-encoded)
   * @param route   {@code files} or {@code archive}
   * @return the workspace path, {@code ""} for the workspace itself
   * @throws ApiException 400 {@code bad_path}, or 404 when the path is not under the route at all
   */
  static String of(String rawPath, String slug, String route) {
    String prefix = "/api/repls/" + slug + "/" + route;
    if (!rawPath.startsWith(prefix)) throw notHere(rawPath);
    String rest = rawPath.substring(prefix.length());
    if (rest.isEmpty() || rest.equals("/")) return "";
    if (!rest.startsWith("/")) throw notHere(rawPath);
    String encoded = rest.substring(1);
    // A trailing slash names the same folder: "src/" is "src".
    if (encoded.endsWith("/")) encoded = encoded.substring(0, encoded.length() - 1);
    return workspacePath(decode(encoded));
  }

  /** A path given in a query parameter (already decoded by the server), held to the same rules. */
  static String ofParameter(String name, String value) {
    if (value == null)
      throw new ApiException(400, "bad_request", "the query parameter " + name + " is required");
    String path = value.startsWith("/") ? value.substring(1) : value;
    if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    return workspacePath(path);
  }

  private static String workspacePath(String path) {
    try {
      WorkspaceTree.check(path);
    } catch (WorkspaceAccessException e) {
      throw new ApiException(400, "bad_path", e.getMessage());
    }
    return path;
  }

  /** Percent-decoding into bytes, then strict UTF-8: a name that is not valid UTF-8 is refused, not replaced. */
  static String decode(String encoded) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length())
          throw new ApiException(400, "bad_path", "a '%' escape is cut short");
        int high = Character.digit(encoded.charAt(i + 1), 16);
        int low = Character.digit(encoded.charAt(i + 2), 16);
        if (high < 0 || low < 0)
          throw new ApiException(400, "bad_path", "a '%' escape is not two hex digits");
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c > 0x7f) {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
      } else {
        bytes.write(c);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ApiException(400, "bad_path", "the path is not valid UTF-8");
    }
  }

  private static ApiException notHere(String rawPath) {
    return new ApiException(404, "not_found", "no such route: " + rawPath);
  }
}
