package io.pier.node.envd.filesystem;

import io.pier.common.http.ApiException;
import io.pier.node.envd.connect.ConnectCode;
import io.pier.node.envd.connect.ConnectException;
import io.pier.node.files.FileApiErrors;
import java.util.concurrent.CompletionException;

/**
 * What a failure of the workspace's file primitives says to an E2B client: the programs' API's own verdict
 * ({@link FileApiErrors}: status and code, internals hidden) turned into the Connect code envd answers with, so that
 * the SDK raises the error it would against E2B ({@code not_found} is its {@code FileNotFoundError},
 * {@code already_exists} makes {@code makeDir} answer false).
 */
final class FilesystemErrors {
  private FilesystemErrors() {}

  /** @param shown the path as the caller named it, for the message */
  static ConnectException of(Throwable failure, String relative, String shown) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) e = e.getCause();
    if (e instanceof ConnectException connect) return connect;
    ApiException api = FileApiErrors.of(e, relative);
    return new ConnectException(code(api), message(api, relative, shown));
  }

  static ConnectCode code(ApiException api) {
    return switch (api.status()) {
      case 400 -> ConnectCode.INVALID_ARGUMENT;
      case 403 -> ConnectCode.PERMISSION_DENIED;
      case 404 -> ConnectCode.NOT_FOUND;
      case 409 ->
          "exists".equals(api.code())
              ? ConnectCode.ALREADY_EXISTS
              : ConnectCode.FAILED_PRECONDITION;
      case 413, 429, 503, 507 -> ConnectCode.RESOURCE_EXHAUSTED;
      case 504 -> ConnectCode.DEADLINE_EXCEEDED;
      default -> ConnectCode.INTERNAL;
    };
  }

  /** The message with the workspace path replaced by the one the caller used. */
  static String message(ApiException api, String relative, String shown) {
    String message = api.getMessage();
    if (relative.isEmpty()) return message;
    // The path as a word of its own: "a" in "a is a folder" is the first one, not the article.
    for (int at = message.indexOf(relative); at >= 0; at = message.indexOf(relative, at + 1)) {
      int end = at + relative.length();
      boolean starts = at == 0 || message.charAt(at - 1) == ' ';
      boolean ends = end == message.length() || " ,:".indexOf(message.charAt(end)) >= 0;
      if (starts && ends) return message.substring(0, at) + shown + message.substring(end);
    }
    return message;
  }
}
