package io.pier.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Where pierctl finds Pier and its key: {@code PIER_URL} and {@code PIER_KEY} when set, else the file {@code
 * ~/.config/pier/config.json} ({@code {"url","key"}}) that {@code pierctl login} writes, readable by its owner only
 * (0600, in a 0700 folder): the key acts as the account.
 */
final class ConfigStore {
  /** Where Pier is and the key to use. */
  record Login(String url, String key) {}

  private final Path file;
  private final Map<String, String> env;
  private final ObjectMapper json = new ObjectMapper();

  ConfigStore(Path file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  static Path defaultFile(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("pier").resolve("config.json");
  }

  Path file() {
    return file;
  }

  /** The login in force; the variables win over the file, each on its own. */
  Login load() throws IOException {
    String url = null;
    String key = null;
    if (Files.isRegularFile(file)) {
      JsonNode stored = json.readTree(file.toFile());
      url = stored.path("url").asText(null);
      key = stored.path("key").asText(null);
    }
    if (nonBlank(env.get("PIER_URL"))) url = env.get("PIER_URL");
    if (nonBlank(env.get("PIER_KEY"))) key = env.get("PIER_KEY");
    if (url == null || key == null)
      throw new NotLoggedIn(
          "not logged in: run 'pierctl login --url URL' (or set PIER_URL and PIER_KEY)");
    return new Login(url, key);
  }

  /** Writes the login to a new file made 0600 from the start, then moved over the old one. */
  void save(Login login) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder))
      Files.createDirectories(
          folder,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path temporary = folder.resolve(file.getFileName() + ".new");
    Files.deleteIfExists(temporary);
    ObjectNode body = json.createObjectNode().put("url", login.url()).put("key", login.key());
    try {
      Files.createFile(
          temporary,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another pierctl login is writing " + temporary, e);
    }
    try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.WRITE)) {
      out.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
    }
    Files.move(
        temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the stored login; true when there was one. */
  boolean forget() throws IOException {
    return Files.deleteIfExists(file);
  }

  private static boolean nonBlank(String s) {
    return s != null && !s.isBlank();
  }

  /** No URL or no key anywhere. */
  static final class NotLoggedIn extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotLoggedIn(String message) {
      super(message);
    }
  }
}
