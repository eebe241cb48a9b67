package io.pier.common.store.s3;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The S3-compatible server of single-machine mode (s3proxy over a local folder), so one machine needs no
 * MinIO or cloud account. Production points Pier at AWS S3 or MinIO instead. Keys with dot segments are refused
 * ({@link DotSegmentGuard}).
 */
public final class EmbeddedS3Server implements AutoCloseable {
  private final S3Proxy proxy;

  private EmbeddedS3Server(S3Proxy proxy) {
    this.proxy = proxy;
  }

  /**
   * Serves the folder {@code dir} (one sub-folder per bucket) on {@code host:port}; port 0 picks a free one.
   */
  public static EmbeddedS3Server start(
      Path dir, String host, int port, String accessKey, String secretKey) throws Exception {
    Files.createDirectories(dir);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(
                new DotSegmentGuard(new FilesystemNio2BlobStore(dir.toAbsolutePath().toString())))
            .endpoint(URI.create("http://" + host + ":" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .stopTimeout(0)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("embedded S3 did not start in 30 s");
      Thread.sleep(10);
    }
    return new EmbeddedS3Server(proxy);
  }

  public int port() {
    return proxy.getPort();
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
