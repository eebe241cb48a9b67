package io.pier.client;

/**
 * How a command ended: its exit code, its output (empty when it was streamed to a listener), whether it was killed
 * for its timeout, and whether Pier cut output that went past its limit.
 */
public record ExecResult(
    int exitCode, String stdout, String stderr, boolean timedOut, boolean truncated) {}
