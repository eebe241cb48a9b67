package io.pier.common.store.s3;

import io.pier.common.config.Env;
import java.net.URI;

/**
 * Where the bucket is.
 *
 * @param endpoint an S3-compatible endpoint (embedded server, MinIO), or null for AWS S3 itself
 * @param accessKey null to use the AWS SDK's default credential chain
 */
public record S3Config(
    URI endpoint, String region, String bucket, String accessKey, String secretKey) {

  public static S3Config fromEnv(Env env) {
    String endpoint = env.string("PIER_S3_ENDPOINT", null);
    String accessKey = env.string("PIER_S3_ACCESS_KEY", null);
    String secretKey = env.string("PIER_S3_SECRET_KEY", null);
    if ((accessKey == null) != (secretKey == null)) {
      env.problem("PIER_S3_ACCESS_KEY and PIER_S3_SECRET_KEY must be set together");
    }
    URI uri = null;
    if (endpoint != null) {
      try {
        uri = URI.create(endpoint);
        if (uri.getScheme() == null || uri.getHost() == null)
          throw new IllegalArgumentException("no scheme or host");
      } catch (IllegalArgumentException e) {
        env.problem(
            "PIER_S3_ENDPOINT must be a URL such as http://127.0.0.1:9000, got '" + endpoint + "'");
      }
    }
    return new S3Config(
        uri,
        env.string("PIER_S3_REGION", "us-east-1"),
        env.string("PIER_S3_BUCKET", "pier"),
        accessKey,
        secretKey);
  }

  @Override
  public String toString() {
    return "S3Config[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + "]";
  }
}
