package io.pier.common.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pier.common.auth.ApiKeyEntry;
import io.pier.common.auth.ApiKeyTable;
import io.pier.common.auth.ApiKeyText;
import io.pier.common.cluster.ClusterConfig;
import io.pier.common.config.Mains;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real Hazelcast members on loopback, as Pier joins them: two data members (schedulers, node-agents) and a lite member
 * (an edge-proxy). A key published on one member reaches the others' tables by the map's entry events, and so does its
 * removal, well before the periodic full read (a minute).
 */
class HazelcastApiKeysIT {
  private final List<HazelcastCluster> members = new ArrayList<>();

  @AfterEach
  void leave() {
    for (HazelcastCluster member : members) Mains.await(member.close(), Duration.ofSeconds(30));
  }

  private HazelcastCluster join(String name, boolean lite) {
    HazelcastCluster member =
        Mains.await(
            HazelcastCluster.join(
                new ClusterConfig(name, List.of("127.0.0.1"), "127.0.0.1", 5701, lite),
                new SimpleMeterRegistry()),
            Duration.ofSeconds(60));
    members.add(member);
    return member;
  }

  @Test
  void aKeyAndItsRevocationReachEveryMembersTableByEvents() throws Exception {
    String name = "api-keys-it-" + UUID.randomUUID();
    HazelcastCluster scheduler = join(name, false);
    HazelcastCluster node = join(name, false);
    HazelcastCluster edge = join(name, true);
    Eventually.holds(() -> scheduler.memberCount() == 3, "three members");
    Clock clock = Clock.systemUTC();
    ApiKeyTable atNode = ApiKeyTable.following(node.vertx(), node.state().apiKeys(), clock);
    ApiKeyTable atEdge = ApiKeyTable.following(edge.vertx(), edge.state().apiKeys(), clock);

    ApiKeyText.Minted minted = ApiKeyText.mint(new SecureRandom());
    ApiKeyEntry entry =
        new ApiKeyEntry(
            minted.id(), "ada", "ci", minted.secretHash(), false, Instant.now(), null, null);
    Mains.await(scheduler.state().apiKeys().put(entry.id(), entry), Duration.ofSeconds(10));
    Eventually.holds(() -> atNode.verify(minted.text()).isPresent(), "the key at the node");
    Eventually.holds(() -> atEdge.verify(minted.text()).isPresent(), "the key at the edge");

    Mains.await(scheduler.state().apiKeys().remove(entry.id()), Duration.ofSeconds(10));
    Eventually.holds(() -> atNode.verify(minted.text()).isEmpty(), "the revocation at the node");
    Eventually.holds(() -> atEdge.verify(minted.text()).isEmpty(), "the revocation at the edge");
    assertTrue(atNode.get(entry.id()).isEmpty());
  }
}
