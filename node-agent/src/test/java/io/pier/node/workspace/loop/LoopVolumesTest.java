package io.pier.node.workspace.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steps {@link LoopVolumes} takes, against a scripted shell: no root, no loop devices. */
class LoopVolumesTest {
  private static final String OPTIONS = "nosuid,nodev,noatime,discard";

  @TempDir Path data;

  /** Answers commands by name, as scripted; "mounts" by remembering the folder and making lost+found in it. */
  private static final class FakeShell implements Shell {
    final List<List<String>> ran = new ArrayList<>();
    final Set<Path> mounted = new HashSet<>();
    final Map<String, Shell.Result> answers = new HashMap<>();

    @Override
    public Result run(List<String> command) {
      ran.add(command);
      String key = command.get(0) + (command.contains("-l") ? " -l" : "");
      Result answer = answers.getOrDefault(key, new Result(0, ""));
      if (!answer.ok()) return answer;
      Path last = Path.of(command.get(command.size() - 1));
      if (command.get(0).equals("mount")) {
        mounted.add(last);
        mkdirs(last.resolve("lost+found"));
      } else if (command.get(0).equals("umount")) {
        mounted.remove(last);
      }
      return answer;
    }

    List<String> names() {
      return ran.stream().map(c -> c.get(0) + (c.contains("-l") ? " -l" : "")).toList();
    }
  }

  private final FakeShell shell = new FakeShell();

  private LoopVolumes volumes() {
    return new LoopVolumes(data.resolve("volumes"), 1000, 1000, shell, shell.mounted::contains);
  }

  private Path dir(String slug) {
    return data.resolve("workspaces").resolve(slug);
  }

  private Path image(String slug) {
    return data.resolve("volumes").resolve(slug + ".img");
  }

  @Test
  void createMakesAnImageOfTheSizeFormatsItAndMountsItOnTheFolder() throws IOException {
    volumes().create("brave-otter-1", dir("brave-otter-1"), 256);

    assertEquals(256L * 1024 * 1024, Files.size(image("brave-otter-1")));
    assertEquals(List.of("mkfs.ext4", "mount"), shell.names());
    List<String> mkfs = shell.ran.get(0);
    assertTrue(mkfs.contains("root_owner=1000:1000"), mkfs.toString());
    assertEquals(image("brave-otter-1").toString(), mkfs.get(mkfs.size() - 1));
    assertEquals(
        List.of(
            "mount",
            "-o",
            "loop," + OPTIONS,
            image("brave-otter-1").toString(),
            dir("brave-otter-1").toString()),
        shell.ran.get(1));
    assertTrue(shell.mounted.contains(dir("brave-otter-1")));
    assertFalse(
        Files.exists(dir("brave-otter-1").resolve("lost+found")), "the workspace starts empty");
  }

  @Test
  void createWithoutASizeMakesAPlainFolder() {
    volumes().create("plain-1", dir("plain-1"), 0);

    assertTrue(Files.isDirectory(dir("plain-1")));
    assertTrue(shell.ran.isEmpty());
    assertFalse(Files.exists(image("plain-1")));
  }

  @Test
  void aWorkspaceThatCannotBeMountedLeavesNothingBehind() {
    shell.answers.put("mount", new Shell.Result(32, "mount: failed to setup loop device"));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> volumes().create("brave-otter-2", dir("brave-otter-2"), 256));

    assertTrue(
        e.getMessage().contains("brave-otter-2")
            && e.getMessage().contains("mount failed (exit 32)")
            && e.getMessage().contains("failed to setup loop device"),
        e.getMessage());
    assertFalse(Files.exists(image("brave-otter-2")));
    assertFalse(Files.exists(dir("brave-otter-2")));
  }

  @Test
  void removeUnmountsBeforeDeletingTheImageAndTheFolder() {
    LoopVolumes volumes = volumes();
    volumes.create("brave-otter-3", dir("brave-otter-3"), 128);
    shell.ran.clear();

    volumes.remove("brave-otter-3", dir("brave-otter-3"));

    assertEquals(List.of("umount"), shell.names());
    assertFalse(Files.exists(image("brave-otter-3")));
    assertFalse(Files.exists(dir("brave-otter-3")));
    volumes.remove("brave-otter-3", dir("brave-otter-3"));
  }

  @Test
  void aBusyWorkspaceIsDetachedLazilySoItsFolderStillGoes() {
    LoopVolumes volumes = volumes();
    volumes.create("busy-1", dir("busy-1"), 128);
    shell.answers.put("umount", new Shell.Result(32, "target is busy"));
    shell.ran.clear();

    volumes.remove("busy-1", dir("busy-1"));

    assertEquals(List.of("umount", "umount -l"), shell.names());
    assertFalse(Files.exists(dir("busy-1")));
  }

  @Test
  void reopenChecksAndMountsAnImageThatIsNotMountedAnyMore() throws IOException {
    LoopVolumes volumes = volumes();
    volumes.create("rebooted-1", dir("rebooted-1"), 128);
    shell.mounted.clear();
    shell.answers.put("losetup", new Shell.Result(0, ""));
    shell.ran.clear();

    assertTrue(volumes.reopen("rebooted-1", dir("rebooted-1")));

    assertEquals(List.of("losetup", "e2fsck", "mount"), shell.names());
    assertEquals(
        List.of(
            "mount",
            "-o",
            "loop," + OPTIONS,
            image("rebooted-1").toString(),
            dir("rebooted-1").toString()),
        shell.ran.get(2));
  }

  @Test
  void reopenMountsTheLoopDeviceAContainerStillHoldsRatherThanASecondOne() {
    LoopVolumes volumes = volumes();
    volumes.create("held-1", dir("held-1"), 128);
    shell.mounted.clear();
    shell.answers.put(
        "losetup", new Shell.Result(0, "/dev/loop3: [65024]:2154599 (" + image("held-1") + ")"));
    shell.ran.clear();

    assertTrue(volumes.reopen("held-1", dir("held-1")));

    assertEquals(
        List.of(
            List.of("losetup", "-j", image("held-1").toString()),
            List.of("mount", "-o", OPTIONS, "/dev/loop3", dir("held-1").toString())),
        shell.ran);
  }

  @Test
  void reopenOfAMountedWorkspaceChangesNothing() {
    LoopVolumes volumes = volumes();
    volumes.create("adopted-1", dir("adopted-1"), 128);
    shell.ran.clear();

    assertTrue(volumes.reopen("adopted-1", dir("adopted-1")));
    assertTrue(shell.ran.isEmpty());
  }

  @Test
  void reopenWithoutAnImageSaysThereIsNone() {
    assertFalse(volumes().reopen("plain-2", dir("plain-2")));
  }

  @Test
  void anImageThatCannotBeRepairedIsKeptAsideAndNotTakenForTheRepl() throws IOException {
    LoopVolumes volumes = volumes();
    volumes.create("broken-1", dir("broken-1"), 128);
    shell.mounted.clear();
    shell.answers.put(
        "e2fsck", new Shell.Result(4, "UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY."));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> volumes.reopen("broken-1", dir("broken-1")));

    assertTrue(
        e.getMessage().contains("UNEXPECTED INCONSISTENCY") && e.getMessage().contains("kept as"),
        e.getMessage());
    assertFalse(Files.exists(image("broken-1")));
    try (Stream<Path> files = Files.list(data.resolve("volumes"))) {
      assertEquals(
          1,
          files
              .filter(f -> f.getFileName().toString().startsWith("broken-1.img.unreadable-"))
              .count());
    }
    assertFalse(volumes.present().contains("broken-1"));
  }

  @Test
  void presentListsTheSlugsWithAnImage() {
    LoopVolumes volumes = volumes();
    volumes.create("one-1", dir("one-1"), 128);
    volumes.create("two-2", dir("two-2"), 128);
    volumes.create("plain-3", dir("plain-3"), 0);

    assertEquals(Set.of("one-1", "two-2"), volumes.present());
  }

  @Test
  void theProbeSaysWhyTheNodeCannotMountAndLeavesNothingBehind() throws IOException {
    shell.answers.put(
        "mount", new Shell.Result(1, "mount: only root can use \"--options\" option"));

    var problem = volumes().problem();

    assertTrue(problem.orElseThrow().contains("only root"), problem.toString());
    try (Stream<Path> files = Files.list(data.resolve("volumes"))) {
      assertEquals(List.of(), files.toList());
    }
  }

  @Test
  void theProbePassesWhereMountingWorks() {
    assertTrue(volumes().problem().isEmpty());
    assertEquals(List.of("mkfs.ext4", "mount", "umount"), shell.names());
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
