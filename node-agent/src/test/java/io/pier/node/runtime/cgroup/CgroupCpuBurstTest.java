package io.pier.node.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The burst is written where dockerd's cgroup drivers put a container, as a part of its quota. */
class CgroupCpuBurstTest {
  private static final String ID = "0123456789abcdef".repeat(4);

  @TempDir Path root;

  @Test
  void underCgroupV1ACgroupfsContainerGetsItsQuotaTimesTheFraction() throws Exception {
    Path cgroup = cgroup("cpu/docker/" + ID, "cpu.cfs_quota_us", "50000\n", "cpu.cfs_burst_us");
    assertTrue(new CgroupCpuBurst(root, 1.0).allow(ID));
    assertEquals("50000", Files.readString(cgroup.resolve("cpu.cfs_burst_us")));
    assertTrue(new CgroupCpuBurst(root, 0.5).allow(ID));
    assertEquals("25000", Files.readString(cgroup.resolve("cpu.cfs_burst_us")));
  }

  @Test
  void underCgroupV1TheSystemdDriversScopeIsFoundToo() throws Exception {
    Path cgroup =
        cgroup(
            "cpu,cpuacct/system.slice/docker-" + ID + ".scope",
            "cpu.cfs_quota_us",
            "200000\n",
            "cpu.cfs_burst_us");
    assertTrue(new CgroupCpuBurst(root, 1.0).allow(ID));
    assertEquals("200000", Files.readString(cgroup.resolve("cpu.cfs_burst_us")));
  }

  @Test
  void underCgroupV2TheBurstIsAPartOfTheMaximum() throws Exception {
    Path cgroup =
        cgroup(
            "system.slice/docker-" + ID + ".scope", "cpu.max", "50000 100000\n", "cpu.max.burst");
    assertTrue(new CgroupCpuBurst(root, 0.5).allow(ID));
    assertEquals("25000", Files.readString(cgroup.resolve("cpu.max.burst")));
  }

  @Test
  void aContainerWithoutAQuotaGetsNoBurst() throws Exception {
    Path v1 = cgroup("cpu/docker/" + ID, "cpu.cfs_quota_us", "-1\n", "cpu.cfs_burst_us");
    assertFalse(new CgroupCpuBurst(root, 1.0).allow(ID));
    assertEquals("0", Files.readString(v1.resolve("cpu.cfs_burst_us")));
  }

  @Test
  void aCgroupV2ContainerWithoutAQuotaGetsNoBurst() throws Exception {
    Path v2 = cgroup("docker/" + ID, "cpu.max", "max 100000\n", "cpu.max.burst");
    assertFalse(new CgroupCpuBurst(root, 1.0).allow(ID));
    assertEquals("0", Files.readString(v2.resolve("cpu.max.burst")));
  }

  @Test
  void aHostWithoutTheSettingStartsSandboxesWithoutABurst() throws Exception {
    // A kernel before 5.14: the cgroup is there, its burst file is not.
    Files.createDirectories(root.resolve("cpu/docker/" + ID));
    Files.writeString(root.resolve("cpu/docker/" + ID + "/cpu.cfs_quota_us"), "50000\n");
    assertFalse(new CgroupCpuBurst(root, 1.0).allow(ID));
    assertFalse(new CgroupCpuBurst(root, 1.0).allow("f".repeat(64)), "no cgroup at all");
  }

  @Test
  void onlyAContainerIdNamesACgroup() {
    CgroupCpuBurst burst = new CgroupCpuBurst(root, 1.0);
    for (String bad : new String[] {"../../etc", ID + "/..", ID.substring(1), ID.toUpperCase()}) {
      assertThrows(IllegalArgumentException.class, () -> burst.allow(bad), bad);
    }
  }

  @Test
  void aBurstIsAboveNothingAndAtMostTheQuota() {
    for (double bad : new double[] {0, -1, 1.01, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> new CgroupCpuBurst(root, bad), "" + bad);
    }
  }

  /** A container's cgroup at {@code dir} whose {@code quotaFile} reads {@code quota} and whose burst reads 0. */
  private Path cgroup(String dir, String quotaFile, String quota, String burstFile)
      throws Exception {
    Path cgroup = Files.createDirectories(root.resolve(dir));
    Files.writeString(cgroup.resolve(quotaFile), quota);
    Files.writeString(cgroup.resolve(burstFile), "0");
    return cgroup;
  }
}
