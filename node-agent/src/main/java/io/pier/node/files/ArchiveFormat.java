package io.pier.node.files;

import io.pier.common.http.ApiException;
import java.util.Locale;

/** The archive formats the API reads and writes: tar, gzip-compressed tar, zip. */
enum ArchiveFormat {
  TAR("tar", "application/x-tar"),
  TGZ("tar.gz", "application/gzip"),
  ZIP("zip", "application/zip");

  final String extension;
  final String contentType;

  ArchiveFormat(String extension, String contentType) {
    this.extension = extension;
    this.contentType = contentType;
  }

  /**
   * The format a request names: {@code ?format=tar|tgz|tar.gz|zip}, else its Content-Type, else tar.
   *
   * @throws ApiException 400 for a format not served
   */
  static ArchiveFormat of(String format, String contentType) {
    if (format != null) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "tar" -> TAR;
        case "tgz", "tar.gz", "gz", "gzip" -> TGZ;
        case "zip" -> ZIP;
        default ->
            throw new ApiException(
                400, "bad_format", "format must be tar, tgz or zip, got '" + format + "'");
      };
    }
    if (contentType != null) {
      String type = contentType.toLowerCase(Locale.ROOT);
      if (type.contains("zip")) return ZIP;
      if (type.contains("gzip") || type.contains("x-gtar") || type.contains("x-compressed-tar"))
        return TGZ;
    }
    return TAR;
  }
}
