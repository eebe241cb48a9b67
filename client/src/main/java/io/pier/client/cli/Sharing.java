package io.pier.client.cli;

import io.pier.client.Collaborators;
import io.pier.client.PierClient;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The sharing commands: {@code share}, {@code unshare}, {@code collaborators}, {@code leave} and {@code fork-link}.
 * {@code ls --shared} is {@link Commands}' listing, as it prints repls.
 */
final class Sharing {
  private final Supplier<PierClient> client;
  private final PrintStream out;

  Sharing(Supplier<PierClient> client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  void run(String command, List<String> args) {
    switch (command) {
      case "share" -> share(args);
      case "unshare" -> {
        Arguments a = Arguments.parse(args, Commands.NONE, Commands.NONE).atMost(2);
        String slug = a.required(0, "repl slug");
        String account = a.required(1, "account to stop sharing with");
        collaborators().revoke(slug, account);
        out.println(slug + " is no longer shared with " + account);
      }
      case "collaborators" -> {
        String slug = slug(args);
        Collaborators.Sharing sharing = collaborators().list(slug);
        out.printf("%-24s %s%n", "ACCOUNT", "ROLE");
        out.printf("%-24s %s%n", sharing.owner(), "owner");
        for (Collaborators.Collaborator c : sharing.collaborators())
          out.printf("%-24s %s%n", c.account(), c.role());
      }
      case "leave" -> {
        String slug = slug(args);
        collaborators().leave(slug);
        out.println("left " + slug);
      }
      case "fork-link" -> forkLink(args);
      default -> throw new UsageError("unknown command " + command);
    }
  }

  private void share(List<String> args) {
    Arguments a = Arguments.parse(args, Set.of("--role"), Commands.NONE).atMost(2);
    String slug = a.required(0, "repl slug");
    String account = a.required(1, "account to share with");
    // A viewer by default: the least the owner can give, so a forgotten --role never grants writes.
    Collaborators.Role role = role(a.option("--role") == null ? "viewer" : a.option("--role"));
    Collaborators.Collaborator shared = collaborators().invite(slug, account, role);
    out.println("shared " + slug + " with " + shared.account() + " as " + shared.role());
  }

  private void forkLink(List<String> args) {
    Arguments a = Arguments.parse(args, Commands.NONE, Commands.NONE).atMost(2);
    String slug = a.required(0, "repl slug");
    String state = a.required(1, "on or off");
    boolean on =
        switch (state) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new UsageError("fork-link takes on or off, not " + state);
        };
    boolean now = client.get().repls().forkable(slug, on).json().path("forkable").asBoolean();
    out.println(
        now
            ? "anyone signed in may now fork " + slug
            : "only those " + slug + " is shared with may fork it");
  }

  /** The role named on the command line; the owner's is not one to give. */
  static Collaborators.Role role(String name) {
    return switch (name) {
      case "editor" -> Collaborators.Role.EDITOR;
      case "viewer" -> Collaborators.Role.VIEWER;
      default -> throw new UsageError("--role is editor or viewer, not " + name);
    };
  }

  private static String slug(List<String> args) {
    return Arguments.parse(args, Commands.NONE, Commands.NONE).atMost(1).required(0, "repl slug");
  }

  private Collaborators collaborators() {
    return client.get().collaborators();
  }
}
