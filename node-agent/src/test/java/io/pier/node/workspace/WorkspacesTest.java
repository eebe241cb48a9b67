package io.pier.node.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pier.common.repl.Limits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {
  @TempDir Path data;

  /** Volumes that remember the size asked for and name the slugs they hold. */
  private static final class SizedVolumes implements WorkspaceVolumes {
    long lastSize = -1;

    @Override
    public void create(String slug, Path dir, long sizeMb) {
      lastSize = sizeMb;
    }

    @Override
    public boolean reopen(String slug, Path dir) {
      return true;
    }

    @Override
    public void adopt(String fromSlug, Path fromDir, String slug, Path dir) {}

    @Override
    public void remove(String slug, Path dir) {}

    @Override
    public Set<String> present() {
      return Set.of("in-an-image");
    }

    @Override
    public Optional<Usage> usage(Path dir) {
      return Optional.empty();
    }

    @Override
    public boolean limited() {
      return true;
    }
  }

  @Test
  void aWorkspaceGetsItsReplsSizeOrElseTheNodesDefault() {
    SizedVolumes volumes = new SizedVolumes();
    Workspaces workspaces = new Workspaces(data.resolve("workspaces"), volumes, 1024);

    workspaces.create("own-size", new Limits(1, 512, 256, 300, null));
    assertEquals(300, volumes.lastSize);
    workspaces.create("no-size", new Limits(1, 512, 256));
    assertEquals(1024, volumes.lastSize);
  }

  @Test
  void plainFoldersHaveNoSizeWhateverTheReplAsks() {
    Workspaces workspaces = new Workspaces(data.resolve("workspaces"));

    assertEquals(0, workspaces.sizeMb(new Limits(1, 512, 256, 300, null)));
    assertEquals(
        true, Files.isDirectory(workspaces.create("plain", new Limits(1, 512, 256, 300, null))));
  }

  @Test
  void presentNamesFoldersAndVolumesAlike() throws Exception {
    Files.createDirectories(data.resolve("workspaces/in-a-folder"));
    Workspaces workspaces = new Workspaces(data.resolve("workspaces"), new SizedVolumes(), 1024);

    assertEquals(Set.of("in-a-folder", "in-an-image"), workspaces.present());
  }

  @Test
  void aSparesWorkspaceIsNoSlugsUntilAReplAdoptsItAndThenIsThatSlugsFolder() throws Exception {
    Workspaces workspaces = new Workspaces(data.resolve("workspaces"));
    Path spare = workspaces.createSpare("ab12", new Limits(1, 512, 256));
    // what a sandbox holding the folder would see: the same folder after the move
    Object folder = Files.getAttribute(spare, "unix:ino");

    assertEquals(Set.of(), workspaces.present(), "a spare is not a repl left from before");
    Path adopted = workspaces.adoptSpare("ab12", "alpha");

    assertEquals(workspaces.of("alpha"), adopted);
    assertEquals(folder, Files.getAttribute(adopted, "unix:ino"));
    assertEquals(false, Files.exists(spare));
    assertEquals(Set.of("alpha"), workspaces.present());
  }

  @Test
  void sparesAnEarlierAgentLeftAreRemoved() {
    Workspaces workspaces = new Workspaces(data.resolve("workspaces"));
    Path spare = workspaces.createSpare("ab12", new Limits(1, 512, 256));

    workspaces.removeSpares();

    assertEquals(false, Files.exists(spare));
  }
}
