package io.pier.common.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.image.ImageSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateCatalogTest {
  private static final Path REPO_TEMPLATES =
      Path.of("..", "templates").toAbsolutePath().normalize();

  private static String manifest(String name) {
    return "{\"name\":\""
        + name
        + "\",\"image\":\"img:1\",\"run\":\"run it\",\"port\":8000,"
        + "\"limits\":{\"cpus\":0.5,\"memoryMb\":256,\"pids\":64}}";
  }

  private static void template(Path root, String folder, String manifestText) throws IOException {
    Files.createDirectories(root.resolve(folder));
    Files.writeString(root.resolve(folder).resolve(TemplateManifest.FILE_NAME), manifestText);
  }

  @Test
  void findsTheRepositoryTemplates() {
    TemplateCatalog catalog = TemplateCatalog.load(REPO_TEMPLATES);
    assertTrue(
        catalog.all().stream()
            .map(TemplateManifest::name)
            .toList()
            .containsAll(
                List.of(
                    "node",
                    "python-flask",
                    "node-express",
                    "react-vite",
                    "cpp",
                    "go",
                    "java",
                    "static")),
        "every stack has a template");

    TemplateManifest node = catalog.find("node").orElseThrow();
    assertEquals("pier-runner-node:latest", node.image());
    assertEquals(3000, node.port());
    assertEquals("node index.js", node.run());

    TemplateManifest flask = catalog.find("python-flask").orElseThrow();
    assertEquals("pier-runner-python:latest", flask.image());
    assertEquals(5000, flask.port());
    assertEquals("python3 main.py", flask.run());
  }

  @Test
  void anImageSetPinsTheImagesItNamesAndLeavesOthers() {
    String pinned = "127.0.0.1:5000/pier-runner-python@sha256:" + "0f".repeat(32);
    TemplateCatalog catalog =
        TemplateCatalog.load(REPO_TEMPLATES)
            .withImages(ImageSet.of(Map.of("pier-runner-python:latest", pinned)));
    assertEquals(pinned, catalog.find("python-flask").orElseThrow().image());
    assertEquals("pier-runner-node:latest", catalog.find("node").orElseThrow().image());
    assertEquals(5000, catalog.find("python-flask").orElseThrow().port());
  }

  @Test
  void folderOfATemplateHoldsItsFiles() {
    TemplateCatalog catalog = TemplateCatalog.load(REPO_TEMPLATES);
    assertTrue(Files.isRegularFile(catalog.folder("node").resolve("index.js")));
  }

  @Test
  void findReturnsEmptyForUnknownTemplate() {
    assertTrue(TemplateCatalog.load(REPO_TEMPLATES).find("cobol").isEmpty());
  }

  @Test
  void loadsTemplatesAndIgnoresFoldersWithoutManifest(@TempDir Path root) throws IOException {
    template(root, "alpha", manifest("alpha"));
    template(root, "beta", manifest("beta"));
    Files.createDirectories(root.resolve("notes"));
    Files.writeString(root.resolve("README.md"), "hi");
    TemplateCatalog catalog = TemplateCatalog.load(root);
    assertEquals(
        List.of("alpha", "beta"), catalog.all().stream().map(TemplateManifest::name).toList());
    assertEquals(8000, catalog.find("beta").orElseThrow().port());
  }

  @Test
  void rejectsFolderWhoseNameDiffersFromManifest(@TempDir Path root) throws IOException {
    template(root, "alpha", manifest("beta"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TemplateCatalog.load(root));
    assertTrue(e.getMessage().contains("beta"), e.getMessage());
    assertTrue(e.getMessage().contains("differs"), e.getMessage());
  }

  @Test
  void rejectsEmptyFolder(@TempDir Path root) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TemplateCatalog.load(root));
    assertTrue(e.getMessage().contains("no template"), e.getMessage());
  }

  @Test
  void rejectsMissingFolder(@TempDir Path root) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TemplateCatalog.load(root.resolve("absent")));
    assertTrue(e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void invalidManifestIsReportedWithItsFile(@TempDir Path root) throws IOException {
    template(root, "alpha", "{\"name\":\"alpha\"}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TemplateCatalog.load(root));
    assertTrue(
        e.getMessage().contains(root.resolve("alpha").resolve("pier.json").toString()),
        e.getMessage());
    assertTrue(e.getMessage().contains("limits is missing"), e.getMessage());
  }
}
