package io.pier.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigStoreTest {
  @TempDir Path dir;

  @Test
  void theSavedLoginIsReadableByItsOwnerOnlyAndReadsBack() throws Exception {
    Path file = dir.resolve("config/pier/config.json");
    ConfigStore store = new ConfigStore(file, Map.of());
    store.save(new ConfigStore.Login("https://pier.example.com", "pier_id_secret"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertEquals(new ConfigStore.Login("https://pier.example.com", "pier_id_secret"), store.load());
  }

  @Test
  void anExistingLooseFileIsReplacedByAPrivateOne() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    new ConfigStore(file, Map.of()).save(new ConfigStore.Login("http://a", "k"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void theVariablesWinOverTheFileEachOnItsOwn() throws Exception {
    Path file = dir.resolve("config.json");
    new ConfigStore(file, Map.of()).save(new ConfigStore.Login("http://stored", "stored-key"));
    assertEquals(
        new ConfigStore.Login("http://stored", "env-key"),
        new ConfigStore(file, Map.of("PIER_KEY", "env-key")).load());
    assertEquals(
        new ConfigStore.Login("http://env", "k"),
        new ConfigStore(dir.resolve("none.json"), Map.of("PIER_URL", "http://env", "PIER_KEY", "k"))
            .load());
  }

  @Test
  void withoutALoginItSaysHowToMakeOne() {
    ConfigStore.NotLoggedIn e =
        assertThrows(
            ConfigStore.NotLoggedIn.class,
            () -> new ConfigStore(dir.resolve("none.json"), Map.of()).load());
    assertEquals(
        "not logged in: run 'pierctl login --url URL' (or set PIER_URL and PIER_KEY)",
        e.getMessage());
  }
}
