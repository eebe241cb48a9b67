package io.pier.node.runtime.iptables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The commands of one of {@code iptables} or {@code ip6tables} on the filter table, waiting for the xtables lock. */
final class Iptables {
  private static final Logger LOG = LoggerFactory.getLogger(Iptables.class);

  private final String binary;

  Iptables(String binary) {
    this.binary = binary;
  }

  String binary() {
    return binary;
  }

  boolean has(String chain, List<String> rule) {
    return run(command("-C", chain, rule)) == 0;
  }

  boolean chainExists(String chain) {
    return run(List.of(binary, "-w", "-S", chain)) == 0;
  }

  /** Adds {@code rule} unless it is there: first in the chain, or last when {@code append}. */
  void ensure(String chain, List<String> rule, boolean append) {
    if (!has(chain, rule)) must(command(append ? "-A" : "-I", chain, rule));
  }

  void insertFirst(String chain, List<String> rule) {
    must(command("-I", chain, rule));
  }

  void append(String chain, List<String> rule) {
    must(command("-A", chain, rule));
  }

  /** Deletes every copy of {@code rule}; none is fine. */
  void deleteAll(String chain, List<String> rule) {
    while (run(command("-D", chain, rule)) == 0) {
      // one copy less
    }
  }

  /** A new empty chain, or the existing one emptied. */
  void emptyChain(String chain) {
    if (chainExists(chain)) {
      must(List.of(binary, "-w", "-F", chain));
    } else {
      must(List.of(binary, "-w", "-N", chain));
    }
  }

  /** Empties and deletes {@code chain} if it exists; nothing may jump to it any more. */
  void deleteChain(String chain) {
    if (!chainExists(chain)) return;
    run(List.of(binary, "-w", "-F", chain));
    run(List.of(binary, "-w", "-X", chain));
  }

  private List<String> command(String action, String chain, List<String> rule) {
    List<String> command = new ArrayList<>(List.of(binary, "-w", action, chain));
    command.addAll(rule);
    return command;
  }

  private void must(List<String> command) {
    StringBuilder output = new StringBuilder();
    int code = run(command, output);
    if (code != 0) {
      throw new IllegalStateException(
          "cannot change the firewall: "
              + String.join(" ", command)
              + " (exit "
              + code
              + ": "
              + output.toString().strip()
              + "); the node-agent must run as root with "
              + binary
              + " installed");
    }
  }

  private static int run(List<String> command) {
    return run(command, new StringBuilder());
  }

  private static int run(List<String> command, StringBuilder output) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      output.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      return p.waitFor();
    } catch (IOException e) {
      output.append(e.getMessage());
      LOG.debug("{}: {}", String.join(" ", command), e.getMessage());
      return 127;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }
}
