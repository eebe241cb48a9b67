package io.pier.node.runtime.docker;

import java.util.Map;
import java.util.OptionalInt;

/**
 * What the runtime reports about one container.
 *
 * @param name          its name, without the leading slash the engine reports
 * @param publishedPort the host port the repl's port is published on, if any
 * @param exitCode      the exit code when it is not running
 * @param addresses     its IP address on each network it joined, by the network's name (empty from a listing)
 */
public record ContainerInfo(
    String id,
    String name,
    Map<String, String> labels,
    boolean running,
    OptionalInt publishedPort,
    Integer exitCode,
    Map<String, String> addresses) {}
