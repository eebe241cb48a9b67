package io.pier.common.store.s3;

import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the embedded S3 server as its own process: {@code ./pier up} starts it before the other services. */
public final class EmbeddedS3Main {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Main.class);

  private EmbeddedS3Main() {}

  public static void main(String[] args) throws Exception {
    Env env = Env.system();
    Path dir = env.path("PIER_S3_EMBEDDED_DIR", "data/s3");
    String host = env.string("PIER_S3_HOST", "127.0.0.1");
    int port = env.port("PIER_S3_PORT", 9000);
    String accessKey = env.required("PIER_S3_ACCESS_KEY");
    String secretKey = env.required("PIER_S3_SECRET_KEY");
    try {
      env.check();
    } catch (ConfigException e) {
      System.err.println("embedded S3: " + e.getMessage());
      System.exit(2);
    }
    EmbeddedS3Server server = EmbeddedS3Server.start(dir, host, port, accessKey, secretKey);
    LOG.info("embedded S3 serving {} on http://{}:{}", dir, host, server.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    LOG.warn("stopping embedded S3", e);
                  }
                  stopped.countDown();
                },
                "s3-shutdown"));
    stopped.await();
  }
}
