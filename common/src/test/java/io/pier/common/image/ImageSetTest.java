package io.pier.common.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.config.ConfigException;
import io.pier.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageSetTest {
  private static final String DIGEST = "sha256:" + "ab12".repeat(16);
  private static final String PYTHON = "127.0.0.1:5000/pier-runner-python@" + DIGEST;

  @Test
  void aNameInTheSetResolvesToItsPinnedReference() {
    ImageSet set = ImageSet.parse("{\"pier-runner-python:latest\": \"" + PYTHON + "\"}");
    assertEquals(PYTHON, set.resolve("pier-runner-python:latest"));
    assertEquals(Optional.of(PYTHON), set.refOf("pier-runner-python:latest"));
    assertTrue(set.pins(PYTHON));
  }

  @Test
  void aNameOutsideTheSetResolvesToItself() {
    ImageSet set = ImageSet.parse("{\"pier-runner-python:latest\": \"" + PYTHON + "\"}");
    assertEquals("pier-runner-go:latest", set.resolve("pier-runner-go:latest"));
    assertEquals("pier-runner-go:latest", ImageSet.EMPTY.resolve("pier-runner-go:latest"));
    assertFalse(set.pins("pier-runner-python:latest"));
  }

  @Test
  void referencesByTagAreRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ImageSet.parse(
                    "{\"pier-runner-python:latest\": \"127.0.0.1:5000/pier-runner-python:latest\"}"));
    assertTrue(e.getMessage().contains("not a reference by digest"), e.getMessage());
  }

  @Test
  void shortDigestsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageSet.parse("{\"pier-runner-python:latest\": \"127.0.0.1:5000/x@sha256:abc\"}"));
  }

  @Test
  void malformedFilesAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("images.json");
    for (String text :
        List.of(
            "[1, 2]",
            "not json",
            "{}",
            "{\"pier-runner-python:latest\": 5}",
            "{\"Bad Name\": \"" + PYTHON + "\"}")) {
      Files.writeString(file, text);
      var e = assertThrows(IllegalArgumentException.class, () -> ImageSet.load(file), text);
      assertTrue(e.getMessage().startsWith("image set " + file + ": "), e.getMessage());
    }
  }

  @Test
  void aMissingFileIsRefusedNamingIt(@TempDir Path dir) {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> ImageSet.load(dir.resolve("absent.json")));
    assertTrue(e.getMessage().contains("absent.json"), e.getMessage());
  }

  @Test
  void registryHostAndPortAreOptionalInAReference() {
    assertTrue(ImageSet.isDigestRef("pier-runner-python@" + DIGEST));
    assertTrue(ImageSet.isDigestRef("registry.internal:5000/team/pier-runner-python@" + DIGEST));
    assertFalse(ImageSet.isDigestRef("pier-runner-python:latest"));
    assertFalse(ImageSet.isDigestRef(null));
  }

  @Test
  void withoutTheSettingThereIsNoImageSet() {
    Env env = new Env(Map.of());
    assertTrue(ImageSet.fromEnv(env).isEmpty());
    env.check();
  }

  @Test
  void aMalformedImageSetStopsTheStart(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("images.json");
    Files.writeString(file, "{\"pier-runner-python:latest\": \"pier-runner-python:latest\"}");
    Env env = new Env(Map.of("PIER_IMAGE_SET", file.toString()));
    ImageSet.fromEnv(env);
    var e = assertThrows(ConfigException.class, env::check);
    assertTrue(e.getMessage().contains("PIER_IMAGE_SET: image set " + file), e.getMessage());
  }

  @Test
  void aValidImageSetIsRead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("images.json");
    Files.writeString(file, "{\"pier-runner-python:latest\": \"" + PYTHON + "\"}");
    assertEquals(
        PYTHON,
        ImageSet.fromEnv(new Env(Map.of("PIER_IMAGE_SET", file.toString())))
            .resolve("pier-runner-python:latest"));
  }
}
