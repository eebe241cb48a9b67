package io.pier.scheduler;

import io.pier.common.node.NodeCapacity;
import io.pier.common.node.NodeInfo;
import io.pier.common.node.NodeLoad;
import java.time.Instant;
import java.util.List;

/** Builds fake {@link NodeInfo}s: a healthy, empty node by default, changed one field at a time. */
public final class FakeNodes {
  private String id = "node-1";
  private int slots = 20;
  private long memoryMb = 16_384;
  private double cpus = 8;
  private int repls;
  private long reservedMb;
  private double cpuUsage;
  private boolean draining;
  private List<String> images = List.of("pier-runner-node:latest", "pier-runner-python:latest");
  private Instant heartbeatAt;
  private List<String> runtimes = List.of("runc");
  private String memberId;

  private FakeNodes(Instant now) {
    this.heartbeatAt = now;
  }

  /** A healthy empty node whose heartbeat is {@code now}. */
  public static FakeNodes node(String id, Instant now) {
    FakeNodes b = new FakeNodes(now);
    b.id = id;
    return b;
  }

  public FakeNodes slots(int value) {
    slots = value;
    return this;
  }

  public FakeNodes memoryMb(long value) {
    memoryMb = value;
    return this;
  }

  public FakeNodes cpus(double value) {
    cpus = value;
    return this;
  }

  public FakeNodes repls(int value) {
    repls = value;
    return this;
  }

  public FakeNodes reservedMb(long value) {
    reservedMb = value;
    return this;
  }

  public FakeNodes cpuUsage(double value) {
    cpuUsage = value;
    return this;
  }

  public FakeNodes draining() {
    draining = true;
    return this;
  }

  public FakeNodes images(String... value) {
    images = List.of(value);
    return this;
  }

  public FakeNodes runtimes(String... value) {
    runtimes = List.of(value);
    return this;
  }

  /** The node-agent's cluster member (none by default: such a node counts as alive while it has an entry). */
  public FakeNodes memberId(String value) {
    memberId = value;
    return this;
  }

  public FakeNodes heartbeatAt(Instant value) {
    heartbeatAt = value;
    return this;
  }

  public NodeInfo build() {
    return new NodeInfo(
        id,
        "http://127.0.0.1:9/" + id,
        new NodeCapacity(slots, memoryMb, cpus),
        new NodeLoad(repls, reservedMb, cpuUsage, 0, List.of()),
        draining,
        images,
        heartbeatAt,
        memberId,
        runtimes);
  }

  /** The node with one more repl of {@code memoryMb} on it. */
  public static NodeInfo plusRepl(NodeInfo n, long memoryMb) {
    NodeLoad l = n.load();
    return new NodeInfo(
        n.nodeId(),
        n.agentUrl(),
        n.capacity(),
        new NodeLoad(
            l.repls() + 1,
            l.reservedMemoryMb() + memoryMb,
            l.cpuUsage(),
            l.memoryUsedMb(),
            l.slugs()),
        n.draining(),
        n.images(),
        n.heartbeatAt(),
        n.memberId(),
        n.runtimes());
  }
}
