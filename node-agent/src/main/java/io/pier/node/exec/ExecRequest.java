package io.pier.node.exec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One checked exec request.
 *
 * @param cmd        the program and its arguments
 * @param cwd        the working folder, an absolute path inside the sandbox
 * @param env        variables added to the sandbox's environment
 * @param timeout    how long it may run before its process group is killed
 * @param stdin      what it reads on stdin; null for nothing
 * @param background true: answered at once, listed under processes
 */
record ExecRequest(
    List<String> cmd,
    String cwd,
    Map<String, String> env,
    Duration timeout,
    byte[] stdin,
    boolean background) {}
