package io.pier.node.runtime.docker;

/**
 * How to reach dockerd.
 *
 * @param host a Docker host URI such as {@code unix:///var/run/docker.sock}
 */
public record DockerConfig(String host) {}
