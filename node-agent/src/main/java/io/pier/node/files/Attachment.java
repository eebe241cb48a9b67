package io.pier.node.files;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code Content-Disposition} that makes a browser save a download under its name ({@code ?download=true} of a
 * file, every archive): a plain ASCII {@code filename} any browser takes, and the exact UTF-8 name as RFC 6266's
 * {@code filename*}. A workspace name is hostile input: nothing of it reaches the header unescaped.
 */
final class Attachment {
  private Attachment() {}

  /** The header's value for the last segment of {@code path} (the workspace's own name when it is empty). */
  static String disposition(String path, String whenEmpty) {
    String name = path.isEmpty() ? whenEmpty : path.substring(path.lastIndexOf('/') + 1);
    String ascii = name.replaceAll("[^A-Za-z0-9._-]", "_");
    String exact = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + exact;
  }
}
