package io.pier.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pier.common.repl.Limits;
import io.pier.node.runtime.PipedProcess;
import io.pier.node.runtime.TtyProcess;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link SandboxDriver} must do, whatever runs its sandboxes. A driver passes it by a subclass: a fast
 * {@code *Test} for a fake, an {@code *IT} for a driver against the real thing.
 */
public abstract class SandboxDriverContract {
  private static final Limits LIMITS = new Limits(0.5, 256, 128);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path workspaces;
  private final List<String> started = new ArrayList<>();

  /** The driver under test; the same instance for every call of one test. */
  protected abstract SandboxDriver driver();

  /** An image on this node with {@code true}, {@code false}, {@code echo} and {@code test}. */
  protected abstract String image();

  /** The isolation runtime sandboxes ask for; null for the driver's default. */
  protected String runtime() {
    return null;
  }

  /** Releases the driver after each test, once what the test started is gone. */
  protected void release() throws Exception {
    driver().close();
  }

  @AfterEach
  void removeWhatWasStartedThenRelease() throws Exception {
    for (String id : started) driver().destroy(id);
    release();
  }

  @Test
  void aDriverThatServesIdeSessionsSaysSo() {
    assertTrue(driver().name().matches("[a-z0-9][a-z0-9-]*"), driver().name());
    assertTrue(driver().capabilities().servesSessions(), driver().capabilities().toString());
    assertFalse(driver().capabilities().networkModes().isEmpty());
    if (runtime() != null)
      assertTrue(driver().runtimes().contains(runtime()), driver().runtimes().toString());
  }

  @Test
  void aStartedSandboxRunsAndGivesTheEndpointOfItsAppPort() throws Exception {
    StartedSandbox sandbox = start(slug(), 3000);
    assertEquals(driver().name(), sandbox.handle().driver());
    assertTrue(driver().running(sandbox.handle().id()));
    Endpoint endpoint =
        sandbox.endpoint().orElseThrow(() -> new AssertionError("no endpoint for port 3000"));
    assertTrue(endpoint.port() > 0);
  }

  @Test
  void aConsoleSandboxHasNoEndpoint() throws Exception {
    assertEquals(Optional.empty(), start(slug(), 0).endpoint());
  }

  @Test
  void aSandboxSeesItsWorkspaceFolderAsSlashWorkspace() throws Exception {
    String slug = slug();
    Path folder = Files.createDirectories(workspaces.resolve(slug));
    Files.writeString(folder.resolve("hello.txt"), "hi");
    driver().workspaces().prepare(folder);
    StartedSandbox sandbox = start(slug, 0, folder);
    assertEquals(
        0,
        driver()
            .execAndWait(
                sandbox.handle().id(), List.of("test", "-f", "/workspace/hello.txt"), WAIT));
    assertNotEquals(
        0,
        driver()
            .execAndWait(sandbox.handle().id(), List.of("test", "-f", "/workspace/absent"), WAIT));
  }

  @Test
  void execRunsACommandToItsExitCode() throws Exception {
    String id = start(slug(), 0).handle().id();
    assertEquals(0, driver().execAndWait(id, List.of("true"), WAIT));
    assertNotEquals(0, driver().execAndWait(id, List.of("false"), WAIT));
  }

  @Test
  void aPipedProcessPrintsOnStdoutAndItsEndIsReported() throws Exception {
    String id = start(slug(), 0).handle().id();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    CompletableFuture<Integer> exited = new CompletableFuture<>();
    PipedProcess process =
        driver()
            .execPiped(
                id,
                List.of("echo", "from-the-sandbox"),
                Map.of(),
                "/workspace",
                new PipedProcess.Listener() {
                  @Override
                  public void output(PipedProcess.Stream stream, byte[] data) {
                    if (stream != PipedProcess.Stream.STDOUT) return;
                    synchronized (stdout) {
                      stdout.writeBytes(data);
                    }
                  }

                  @Override
                  public void exited(int code) {
                    exited.complete(code);
                  }
                });
    assertEquals(0, exited.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    process.close();
    synchronized (stdout) {
      assertEquals("from-the-sandbox\n", stdout.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aProcessOnATerminalHasItsSizeFromItsFirstInstruction() throws Exception {
    String id = start(slug(), 0).handle().id();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    CompletableFuture<Integer> exited = new CompletableFuture<>();
    TtyProcess process =
        driver()
            .execTty(
                id,
                List.of("stty", "size"),
                Map.of(),
                100,
                30,
                new TtyProcess.Listener() {
                  @Override
                  public void output(byte[] data) {
                    synchronized (printed) {
                      printed.writeBytes(data);
                    }
                  }

                  @Override
                  public void exited(int code) {
                    exited.complete(code);
                  }
                });
    assertEquals(0, exited.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    process.close();
    synchronized (printed) {
      assertEquals("30 100", printed.toString(StandardCharsets.UTF_8).strip());
    }
  }

  @Test
  void aProcessOnATerminalPrintsAndItsEndIsReported() throws Exception {
    String id = start(slug(), 0).handle().id();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    CompletableFuture<Integer> exited = new CompletableFuture<>();
    TtyProcess process =
        driver()
            .execTty(
                id,
                List.of("echo", "from-the-sandbox"),
                Map.of(),
                80,
                24,
                new TtyProcess.Listener() {
                  @Override
                  public void output(byte[] data) {
                    synchronized (printed) {
                      printed.writeBytes(data);
                    }
                  }

                  @Override
                  public void exited(int code) {
                    exited.complete(code);
                  }
                });
    assertEquals(0, exited.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    process.close();
    synchronized (printed) {
      assertTrue(
          printed.toString(StandardCharsets.UTF_8).contains("from-the-sandbox"),
          printed.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void aRunningSandboxIsRecoveredFromItsHandleAndListedWithItsAnnotations() throws Exception {
    String slug = slug();
    StartedSandbox sandbox = start(slug, 3000);
    SandboxDriver.Recovered recovered = driver().recover(sandbox.handle());
    assertTrue(recovered.running());
    assertEquals(sandbox.endpoint(), recovered.endpoint());
    FoundSandbox found =
        driver().list().stream()
            .filter(f -> f.handle().slug().equals(slug))
            .findFirst()
            .orElseThrow(() -> new AssertionError(slug + " not listed"));
    assertEquals(sandbox.handle().id(), found.handle().id());
    assertTrue(found.running());
    assertEquals("node server.js", found.annotations().get("run"));
  }

  @Test
  void aDriverWithSandboxAddressesGivesARunningSandboxsAddressAtItsStartAndNoneOnceItIsGone()
      throws Exception {
    if (!driver().capabilities().networkModes().contains(Capabilities.NetworkMode.SANDBOX_ADDRESS))
      return;
    StartedSandbox started = start(slug(), 0);
    String id = started.handle().id();
    String address =
        driver().address(id).orElseThrow(() -> new AssertionError("no address for " + id));
    assertTrue(address.matches("[0-9a-fA-F:.]+"), "an IP address literal: " + address);
    assertEquals(Optional.of(address), started.address(), "the start gave the same address");
    driver().destroy(id);
    assertEquals(Optional.empty(), driver().address(id));
  }

  @Test
  void aStoppedSandboxIsNotRecoveredAsRunning() throws Exception {
    StartedSandbox sandbox = start(slug(), 0);
    driver().stop(sandbox.handle().id(), Duration.ofSeconds(1));
    driver().stop(sandbox.handle().id(), Duration.ofSeconds(1));
    assertFalse(driver().running(sandbox.handle().id()));
    assertFalse(driver().recover(sandbox.handle()).running());
  }

  @Test
  void aDestroyedSandboxIsGoneAndDestroyingItAgainIsNoError() throws Exception {
    String slug = slug();
    StartedSandbox sandbox = start(slug, 0);
    driver().destroy(sandbox.handle().id());
    driver().destroy(sandbox.handle().id());
    assertEquals(SandboxDriver.Recovered.GONE, driver().recover(sandbox.handle()));
    assertTrue(driver().list().stream().noneMatch(f -> f.handle().slug().equals(slug)));
  }

  @Test
  void aHandleIsOnlyRecoveredByTheDriverThatMadeIt() throws Exception {
    StartedSandbox sandbox = start(slug(), 0);
    SandboxHandle foreign =
        new SandboxHandle(
            "another-driver", sandbox.handle().slug(), sandbox.handle().id(), Map.of());
    assertFalse(driver().recover(foreign).running());
  }

  @Test
  void aMissingImageIsImageMissingAndLeavesNothing() throws Exception {
    String slug = slug();
    Path folder = Files.createDirectories(workspaces.resolve(slug));
    ImageMissing missing =
        assertThrows(
            ImageMissing.class,
            () -> driver().start(spec(slug, "pier-runner-nonexistent:latest", 0, folder)));
    assertEquals("pier-runner-nonexistent:latest", missing.image());
    assertTrue(driver().list().stream().noneMatch(f -> f.handle().slug().equals(slug)));
  }

  private StartedSandbox start(String slug, int appPort) throws Exception {
    return start(slug, appPort, Files.createDirectories(workspaces.resolve(slug)));
  }

  private StartedSandbox start(String slug, int appPort, Path folder) {
    StartedSandbox sandbox = driver().start(spec(slug, image(), appPort, folder));
    started.add(sandbox.handle().id());
    return sandbox;
  }

  private SandboxSpec spec(String slug, String image, int appPort, Path folder) {
    return new SandboxSpec(
        slug,
        image,
        List.of("sleep", "infinity"),
        Map.of("PORT", String.valueOf(appPort)),
        folder,
        appPort,
        LIMITS,
        runtime(),
        Map.of("run", "node server.js", "port", String.valueOf(appPort)));
  }

  private static String slug() {
    return "contract-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
