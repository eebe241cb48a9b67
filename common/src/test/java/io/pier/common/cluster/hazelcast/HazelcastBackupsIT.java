package io.pier.common.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.pier.common.cluster.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real Hazelcast members on loopback, configured as Pier configures them: with the default two backups, two members
 * lost at once (one down for an upgrade, another crashing) lose no map entry; and the members say when every backup
 * is in place again.
 */
class HazelcastBackupsIT {
  private static final int ENTRIES = 500;
  private final List<HazelcastInstance> members = new ArrayList<>();

  @AfterEach
  void stopTheMembers() {
    members.forEach(member -> member.getLifecycleService().terminate());
  }

  @Test
  void twoMembersLostAtOnceLoseNoEntryWithTwoBackups() throws Exception {
    String cluster = "backups-it-" + UUID.randomUUID();
    ClusterConfig config =
        new ClusterConfig(cluster, List.of("127.0.0.1"), "127.0.0.1", 5701, false);
    for (int i = 0; i < 4; i++)
      members.add(Hazelcast.newHazelcastInstance(HazelcastCluster.hazelcastConfig(config)));
    awaitMembers(4);
    IMap<String, String> repls = members.get(0).getMap("pier.repls");
    for (int i = 0; i < ENTRIES; i++) repls.put("repl-" + i, "record-" + i);
    awaitSafe(members.get(0));

    // Terminate: no graceful hand-over of partitions, as when a VM dies.
    members.remove(2).getLifecycleService().terminate();
    members.remove(1).getLifecycleService().terminate();
    awaitMembers(2);

    IMap<String, String> survivors = members.get(0).getMap("pier.repls");
    assertEquals(ENTRIES, survivors.size(), "entries after losing two of four members at once");
    for (int i = 0; i < ENTRIES; i++) assertEquals("record-" + i, survivors.get("repl-" + i));
    awaitSafe(members.get(1));
  }

  @Test
  void theMapsKeepTheConfiguredNumberOfBackups() {
    ClusterConfig three =
        new ClusterConfig(
            "backups-" + UUID.randomUUID(), List.of("127.0.0.1"), "127.0.0.1", 5701, false, 3);
    assertEquals(
        3, HazelcastCluster.hazelcastConfig(three).getMapConfig("pier.repls").getBackupCount());
  }

  private void awaitMembers(int count) throws InterruptedException {
    Eventually.holds(
        () -> members.stream().allMatch(m -> m.getCluster().getMembers().size() == count),
        count + " members in the cluster");
  }

  private static void awaitSafe(HazelcastInstance member) throws InterruptedException {
    Eventually.holds(() -> member.getPartitionService().isClusterSafe(), "every backup in place");
  }
}
