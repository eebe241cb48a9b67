package io.pier.node.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.http.ApiException;
import io.pier.common.image.ImageSet;
import io.pier.node.sandbox.ImageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunnerImagesTest {
  private static final String PYTHON = "pier-runner-python:latest";
  private static final String NODE = "pier-runner-node:latest";
  private static final String PYTHON_REF =
      "127.0.0.1:5000/pier-runner-python@sha256:" + "aa".repeat(32);
  private static final String NODE_REF =
      "127.0.0.1:5000/pier-runner-node@sha256:" + "bb".repeat(32);
  private static final ImageSet SET = ImageSet.of(Map.of(PYTHON, PYTHON_REF, NODE, NODE_REF));

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private final ImageRuntime runtime = new ImageRuntime();

  private RunnerImages images(ImageSet set) {
    return new RunnerImages(
        new RunnerImages.Settings(set, Duration.ofMinutes(1)), runtime, metrics);
  }

  private double pulls(String result) {
    return metrics.get("pier.node.image.pulls").tag("result", result).counter().count();
  }

  private double missing() {
    return metrics.get("pier.node.images.missing").gauge().value();
  }

  @Test
  void withoutAnImageSetNamesStayAsTheyAreAndNothingIsPulled() {
    runtime.present.add(PYTHON);
    RunnerImages images = images(ImageSet.EMPTY);
    assertFalse(images.pinned());
    assertEquals(PYTHON, images.prepare(PYTHON));
    assertEquals("pier-runner-gone:latest", images.prepare("pier-runner-gone:latest"));
    assertEquals(List.of(PYTHON), images.reported(List.of(PYTHON)));
    assertTrue(images.pullMissing().isEmpty());
    assertEquals(List.of(), runtime.pulled);
  }

  @Test
  void aPinnedNameRunsItsDigestPulledOnceWhenMissing() {
    RunnerImages images = images(SET);
    assertEquals(PYTHON_REF, images.prepare(PYTHON));
    assertEquals(PYTHON_REF, images.prepare(PYTHON));
    assertEquals(PYTHON_REF, images.prepare(PYTHON_REF));
    assertEquals(List.of(PYTHON_REF), runtime.pulled);
    assertEquals(1, pulls("ok"));
    assertEquals(1, missing(), "the node image is still missing");
  }

  @Test
  void aFailedPullIsAClearErrorAndCounted() {
    runtime.refused.add(PYTHON_REF);
    RunnerImages images = images(SET);
    ApiException e = assertThrows(ApiException.class, () -> images.prepare(PYTHON));
    assertEquals(502, e.status());
    assertEquals("image_pull_failed", e.code());
    assertTrue(
        e.getMessage().contains(PYTHON_REF) && e.getMessage().contains("manifest unknown"),
        e.getMessage());
    assertEquals(1, pulls("failed"));
  }

  @Test
  void pullingTheSetGoesOnPastAFailureAndNamesIt() {
    runtime.refused.add(PYTHON_REF);
    RunnerImages images = images(SET);
    assertEquals(List.of(PYTHON_REF), images.pullMissing());
    assertTrue(runtime.present.contains(NODE_REF));
    assertEquals(1, missing());
  }

  @Test
  void aPinnedNameIsReportedOnlyWhileItsDigestIsHere() {
    RunnerImages images = images(SET);
    // A local build of the same name is not the fleet's image: placement must not count it.
    List<String> reported =
        images.reported(List.of(PYTHON, NODE, NODE_REF, "pier-runner-go:latest"));
    assertEquals(Set.of(NODE, NODE_REF, "pier-runner-go:latest"), Set.copyOf(reported));
    assertEquals(1, missing());
  }

  /** An image store that knows those present, the pulls made, and references the registry refuses. */
  private static final class ImageRuntime implements ImageStore {
    final List<String> present = new ArrayList<>();
    final List<String> pulled = new ArrayList<>();
    final List<String> refused = new ArrayList<>();

    @Override
    public List<String> images() {
      return List.copyOf(present);
    }

    @Override
    public void pull(String ref, Duration timeout) {
      if (refused.contains(ref)) throw new IllegalStateException("manifest unknown");
      pulled.add(ref);
      present.add(ref);
    }
  }
}
