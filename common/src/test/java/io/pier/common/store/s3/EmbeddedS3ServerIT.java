package io.pier.common.store.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.store.ObjectStore;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded S3 server over HTTP refuses keys that would climb out of their folder on its disk. */
class EmbeddedS3ServerIT {
  @TempDir Path dir;

  @Test
  void keysWithDotSegmentsAreRefusedAndNothingLandsOutsideTheirFolder() throws Exception {
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
      store.put("accounts/admin.json", "{\"admin\":true}".getBytes(StandardCharsets.UTF_8));
      byte[] evil = "{\"owner\":\"mallory\"}".getBytes(StandardCharsets.UTF_8);
      for (String key :
          List.of(
              "repls/a/files/../../../accounts/admin.json",
              "repls/a/files/l\\..\\..\\..\\accounts\\admin.json",
              "repls/a/files/./x")) {
        assertThrows(
            ObjectStore.Refused.class,
            () -> store.putStream(key, evil.length, () -> new ByteArrayInputStream(evil)),
            key);
      }
      assertArrayEquals(
          "{\"admin\":true}".getBytes(StandardCharsets.UTF_8),
          store.get("accounts/admin.json").orElseThrow());
      store.putStream(
          "repls/a/files/ok.txt",
          2,
          () -> new ByteArrayInputStream("ok".getBytes(StandardCharsets.UTF_8)));
      assertEquals(
          List.of("accounts/admin.json", "repls/a/files/ok.txt"),
          store.list("").stream().map(ObjectStore.ObjectInfo::key).toList());
      try (Stream<Path> files = Files.walk(dir)) {
        assertTrue(files.noneMatch(p -> p.toString().contains("..")));
      }
    }
  }
}
