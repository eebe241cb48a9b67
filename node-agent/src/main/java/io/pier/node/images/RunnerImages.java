package io.pier.node.images;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pier.common.http.ApiException;
import io.pier.common.image.ImageSet;
import io.pier.node.sandbox.ImageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which runner image a repl runs on this node, and getting it here. With an image set, a template's image name means
 * the image the set pins by digest: it is pulled from the fleet's registry (all of them at start, and on demand when
 * one is missing), run by digest, and the node reports the name only while it holds that exact image. Without one,
 * names mean the node's own images, as built by {@code images/build.sh}, and nothing is ever pulled.
 *
 * <p>Every method but {@link #reported} may block on a pull: call them off the event loop.
 */
public final class RunnerImages {
  private static final Logger LOG = LoggerFactory.getLogger(RunnerImages.class);

  /**
   * @param set         the fleet's pinned images ({@code PIER_IMAGE_SET}); {@link ImageSet#EMPTY} for none
   * @param pullTimeout how long one pull may take before it counts as failed
   */
  public record Settings(ImageSet set, Duration pullTimeout) {
    public static final Settings NONE = new Settings(ImageSet.EMPTY, Duration.ofMinutes(10));
  }

  private final Settings settings;
  private final ImageStore runtime;
  private final Counter pulled;
  private final Counter pullFailed;
  private final AtomicInteger missing = new AtomicInteger();

  /** One pull per reference at a time: concurrent starts of the same image wait for the pull under way. */
  private final Map<String, Object> pullLocks = new ConcurrentHashMap<>();

  public RunnerImages(Settings settings, ImageStore runtime, MeterRegistry metrics) {
    this.settings = settings;
    this.runtime = runtime;
    this.pulled =
        Counter.builder("pier.node.image.pulls")
            .tag("result", "ok")
            .description("Runner images pulled from the fleet's registry")
            .register(metrics);
    this.pullFailed =
        Counter.builder("pier.node.image.pulls")
            .tag("result", "failed")
            .description("Runner images pulled from the fleet's registry")
            .register(metrics);
    Gauge.builder("pier.node.images.missing", missing, AtomicInteger::get)
        .description(
            "Images of the image set this node does not hold (repls that need them go elsewhere)")
        .register(metrics);
    missing.set(settings.set().refs().size());
  }

  /** True when an image set is configured. */
  public boolean pinned() {
    return !settings.set().isEmpty();
  }

  /**
   * Pulls every image of the set this node lacks, one after the other; a failed pull is logged and counted, and the
   * node goes on without that image (placement sends its repls elsewhere).
   *
   * @return the references that could not be pulled
   */
  public List<String> pullMissing() {
    List<String> failed = new ArrayList<>();
    Set<String> present = Set.copyOf(runtime.images());
    for (String ref : settings.set().refs()) {
      if (present.contains(ref)) continue;
      try {
        pull(ref);
      } catch (ApiException e) {
        failed.add(ref);
      }
    }
    countMissing(runtime.images());
    return failed;
  }

  /**
   * The image to run for {@code image} (a template's image name or a pinned reference), pulled first when the set
   * pins it and the node lacks it. An image the set does not pin is left to the runtime, as without a set.
   *
   * @throws ApiException {@code 502 image_pull_failed} when the pull fails or takes too long
   */
  public String prepare(String image) {
    String ref = settings.set().resolve(image);
    if (settings.set().pins(ref) && !runtime.images().contains(ref)) {
      pull(ref);
      countMissing(runtime.images());
    }
    return ref;
  }

  /**
   * What the node reports to placement from the images it holds: all of them, by name and by digest, except that a
   * name the set pins is reported only while its pinned image is here (a local image of that name is not the one the
   * fleet runs).
   */
  public List<String> reported(List<String> present) {
    Set<String> names = new LinkedHashSet<>(present);
    settings
        .set()
        .entries()
        .forEach(
            (name, ref) -> {
              if (present.contains(ref)) names.add(name);
              else names.remove(name);
            });
    countMissing(present);
    return List.copyOf(names);
  }

  private void countMissing(List<String> present) {
    missing.set((int) settings.set().refs().stream().filter(ref -> !present.contains(ref)).count());
  }

  private void pull(String ref) {
    synchronized (pullLocks.computeIfAbsent(ref, r -> new Object())) {
      if (runtime.images().contains(ref)) return;
      long began = System.nanoTime();
      LOG.info("pulling runner image {} ...", ref);
      try {
        runtime.pull(ref, settings.pullTimeout());
      } catch (RuntimeException e) {
        pullFailed.increment();
        LOG.warn("cannot pull runner image {}: {}", ref, e.getMessage());
        throw new ApiException(
            502,
            "image_pull_failed",
            "cannot pull runner image " + ref + " from its registry: " + e.getMessage());
      }
      pulled.increment();
      LOG.info("pulled runner image {} in {} ms", ref, (System.nanoTime() - began) / 1_000_000);
    }
  }
}
