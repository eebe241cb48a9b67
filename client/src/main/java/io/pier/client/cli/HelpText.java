package io.pier.client.cli;

/** What {@code pierctl help} prints. */
final class HelpText {
  static final String TEXT =
      """
      pierctl: use Pier from a terminal or a script (the operator's script is ./pier)

      Usage: pierctl COMMAND [ARGS]

        login --url URL [--key KEY]   store Pier's URL and an API key (read from stdin without --key)
        logout                        forget the stored login
        whoami                        the account the key acts as
        templates                     the templates a repl can be made from
        create TEMPLATE [--label K=V]... [--timeout 30m] [--delete-on-timeout] [--private]
                                      make a repl; prints its slug
        ls [--label K=V]... [--shared]
                                      your repls, newest first; --shared: those shared with you
        start SLUG | stop SLUG        start (returns once it runs) or stop a repl
        rm SLUG                       stop a repl and delete everything it had
        fork SLUG [--title TITLE]     copy a repl's stored files into a new repl (never its secrets); prints its slug
        exec SLUG [--cwd DIR] [--env K=V]... [--timeout 5m] [--background] -- CMD [ARGS]...
                                      run a command; its output streams, pierctl exits with its code
        cp LOCAL SLUG:PATH            upload a file, or a folder (as a tar)
        cp SLUG:PATH LOCAL            download a file, or a folder (as a tar)
        logs SLUG [PROCESS]           background processes, or one's recent output
        open SLUG                     print the repl's IDE URL
        env ls SLUG                   its environment variables (secrets' values are never shown)
        env set SLUG NAME [VALUE] [--plain]
                                      set a variable (a secret unless --plain; VALUE from stdin if absent)
        env rm SLUG NAME              remove a variable
        share SLUG ACCOUNT [--role editor|viewer]
                                      share a repl with an account (a viewer unless --role editor)
        unshare SLUG ACCOUNT          stop sharing a repl with an account
        collaborators SLUG            who a repl is shared with, and as what
        leave SLUG                    stop being a collaborator of someone else's repl
        fork-link SLUG on|off         let any signed-in account fork the repl, or only those it is shared with
        key create NAME | key ls | key rm ID
                                      the account's API keys
        completion bash               a bash completion script: source <(pierctl completion bash)
        help                          this text

      Login: PIER_URL and PIER_KEY override ~/.config/pier/config.json (mode 0600).
      Exit codes: 0 success, 1 Pier refused or failed (one line on stderr), 2 usage error;
      exec exits with the command's own code.
      """;

  private HelpText() {}
}
