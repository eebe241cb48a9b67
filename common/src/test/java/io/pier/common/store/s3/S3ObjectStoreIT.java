package io.pier.common.store.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.store.ObjectStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link S3ObjectStore} over the S3 API of the embedded server. */
class S3ObjectStoreIT {
  @TempDir Path dir;

  @Test
  void listEachHandsOutEveryObjectOfAListingOfSeveralPagesInKeyOrder() throws Exception {
    try (EmbeddedS3Server server = EmbeddedS3Server.start(dir, "127.0.0.1", 0, "k", "secret-key");
        S3ObjectStore store =
            new S3ObjectStore(
                new S3Config(
                    URI.create("http://127.0.0.1:" + server.port()),
                    "us-east-1",
                    "pier",
                    "k",
                    "secret-key"))) {
      store.ensureBucket();
      // A page holds at most 1,000 keys: 1,050 make two pages.
      List<String> keys =
          IntStream.range(0, 1050).mapToObj(i -> "repls/a/files/f%04d".formatted(i)).toList();
      keys.parallelStream().forEach(k -> store.put(k, k.getBytes(StandardCharsets.UTF_8)));
      store.put("repls/b/files/other", new byte[1]);

      List<String> handed = new ArrayList<>();
      store.listEach("repls/a/", o -> handed.add(o.key()));

      assertEquals(keys, handed);
      assertEquals(keys, store.list("repls/a/").stream().map(ObjectStore.ObjectInfo::key).toList());
    }
  }
}
