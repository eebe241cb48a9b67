package io.pier.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's supervisord as one simulated host's service manager: it runs inside the host's network namespace, so the
 * programs the Ansible roles give it ({@code pier_service_manager: supervisor}) run on that host. Its configuration,
 * socket and programs live in a folder of the host's own ({@link #configFile}, {@link #programs}). Closing it stops
 * supervisord, which stops its programs first (each with its stop timeout).
 */
final class HostSupervisor implements AutoCloseable {
  private final Path folder;
  private final HostProcess supervisord;

  private HostSupervisor(Path folder, HostProcess supervisord) {
    this.folder = folder;
    this.supervisord = supervisord;
  }

  /**
   * Starts supervisord in {@code host}'s namespace and waits until supervisorctl reaches it.
   *
   * @param stopGrace how long supervisord may take to stop its programs before it is killed
   */
  static HostSupervisor start(
      String name, NetworkNamespaces.Host host, Path folder, Path log, Duration stopGrace)
      throws IOException {
    Files.createDirectories(folder.resolve("programs"));
    Files.createDirectories(folder.resolve("logs"));
    Files.writeString(
        folder.resolve("supervisord.conf"),
        """
        [unix_http_server]
        file=%1$s/supervisor.sock
        chmod=0700

        [supervisord]
        nodaemon=true
        logfile=%1$s/supervisord.log
        pidfile=%1$s/supervisord.pid
        childlogdir=%1$s/logs

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [supervisorctl]
        serverurl=unix://%1$s/supervisor.sock

        [include]
        files = %1$s/programs/*.conf
        """
            .formatted(folder));
    HostProcess process =
        HostProcess.start(
            name,
            host.inside("supervisord", "-n", "-c", folder.resolve("supervisord.conf").toString()),
            Map.of(),
            log,
            stopGrace);
    HostSupervisor supervisor = new HostSupervisor(folder, process);
    process.awaitReady(Duration.ofSeconds(30), () -> supervisor.ctl("pid").ok());
    return supervisor;
  }

  Path configFile() {
    return folder.resolve("supervisord.conf");
  }

  /** Where the roles put their programs ({@code pier_supervisor_dir}). */
  Path programs() {
    return folder.resolve("programs");
  }

  HostProcess process() {
    return supervisord;
  }

  /** The pid of a running program; 0 when it is not running. */
  long pid(String program) {
    HostCommands.Result result = ctl("pid", program);
    try {
      return Long.parseLong(result.output().strip());
    } catch (NumberFormatException notRunning) {
      return 0;
    }
  }

  private HostCommands.Result ctl(String... arguments) {
    List<String> command = new ArrayList<>(List.of("supervisorctl", "-c", configFile().toString()));
    command.addAll(List.of(arguments));
    return HostCommands.run(command);
  }

  @Override
  public void close() {
    supervisord.close();
  }
}
