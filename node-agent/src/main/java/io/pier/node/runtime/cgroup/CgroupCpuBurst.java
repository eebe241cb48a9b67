package io.pier.node.runtime.cgroup;

import io.pier.node.runtime.CpuBurst;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CFS burst written into a Docker container's CPU cgroup, which dockerd leaves at 0 (Docker has no flag for it): {@code
 * cpu.cfs_burst_us} under cgroup v1, {@code cpu.max.burst} under v2 (Linux 5.14 and later), as a fraction of the
 * container's quota, which the kernel takes as the most a burst may be. The cgroup is found where dockerd puts it with
 * either of its cgroup drivers ({@code cgroupfs}: {@code docker/<id>}; {@code systemd}: {@code
 * system.slice/docker-<id>.scope}); the path is made from the container's id, which dockerd gave, and nothing a repl
 * controls.
 */
public final class CgroupCpuBurst implements CpuBurst {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupCpuBurst.class);
  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
  private static final List<String> V1_CPU = List.of("cpu", "cpu,cpuacct");

  private final Path root;
  private final double fraction;
  private final AtomicBoolean toldUnavailable = new AtomicBoolean();

  /**
   * @param root     where cgroups are mounted ({@code /sys/fs/cgroup})
   * @param fraction the burst as a part of the container's quota, above 0 and at most 1
   */
  public CgroupCpuBurst(Path root, double fraction) {
    if (!(fraction > 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "a CPU burst is above 0 and at most 1 quota, got " + fraction);
    }
    this.root = root;
    this.fraction = fraction;
  }

  @Override
  public boolean allow(String containerId) {
    if (!CONTAINER_ID.matcher(containerId).matches()) {
      throw new IllegalArgumentException("not a container id: " + containerId);
    }
    try {
      for (String dir :
          List.of("docker/" + containerId, "system.slice/docker-" + containerId + ".scope")) {
        for (String controller : V1_CPU) {
          Path v1 = root.resolve(controller).resolve(dir);
          if (Files.isRegularFile(v1.resolve("cpu.cfs_burst_us"))) return allowV1(v1);
        }
        Path v2 = root.resolve(dir);
        if (Files.isRegularFile(v2.resolve("cpu.max.burst"))) return allowV2(v2);
      }
      unavailable(
          "no CPU cgroup with a burst setting for container " + containerId + " under " + root);
    } catch (IOException | RuntimeException e) {
      unavailable("its CPU cgroup refused the burst: " + e);
    }
    return false;
  }

  private boolean allowV1(Path cgroup) throws IOException {
    long quota = Long.parseLong(read(cgroup.resolve("cpu.cfs_quota_us")));
    if (quota <= 0) return false;
    write(cgroup.resolve("cpu.cfs_burst_us"), burst(quota));
    return true;
  }

  /** {@code cpu.max} reads "$MAX $PERIOD", "max" when there is no quota. */
  private boolean allowV2(Path cgroup) throws IOException {
    String max = read(cgroup.resolve("cpu.max")).split(" ")[0];
    if (max.equals("max")) return false;
    write(cgroup.resolve("cpu.max.burst"), burst(Long.parseLong(max)));
    return true;
  }

  private long burst(long quota) {
    return (long) Math.floor(quota * fraction);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII).trim();
  }

  private static void write(Path file, long value) throws IOException {
    Files.writeString(file, Long.toString(value), StandardCharsets.US_ASCII);
  }

  /** Said once: every sandbox of the node would say the same. */
  private void unavailable(String why) {
    if (toldUnavailable.compareAndSet(false, true)) {
      LOG.info("sandboxes start without a CPU burst: {}", why);
    }
  }
}
