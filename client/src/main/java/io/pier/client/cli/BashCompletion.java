package io.pier.client.cli;

/** The bash completion script {@code pierctl completion bash} prints; slugs are completed from {@code pierctl ls -q}. */
final class BashCompletion {
  static final String SCRIPT =
      """
      # bash completion for pierctl; load with: source <(pierctl completion bash)
      _pierctl() {
        local cur prev words cword
        _init_completion 2>/dev/null || { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
        local commands="login logout whoami templates create ls start stop rm fork exec cp logs open env key share unshare collaborators leave fork-link completion help"
        if [[ $cword -eq 1 ]]; then
          COMPREPLY=($(compgen -W "$commands" -- "$cur")); return
        fi
        local slugs
        case "${words[1]}" in
          start|stop|rm|fork|open|logs|exec|collaborators|unshare)
            if [[ $cword -eq 2 ]]; then
              slugs=$(pierctl ls -q 2>/dev/null); COMPREPLY=($(compgen -W "$slugs" -- "$cur"))
            elif [[ "${words[1]}" == exec && "$cur" == -* ]]; then
              COMPREPLY=($(compgen -W "--cwd --env --timeout --background --" -- "$cur"))
            fi ;;
          create)
            if [[ $cword -eq 2 ]]; then
              COMPREPLY=($(compgen -W "$(pierctl templates 2>/dev/null)" -- "$cur"))
            else
              COMPREPLY=($(compgen -W "--label --timeout --delete-on-timeout --private" -- "$cur"))
            fi ;;
          ls) COMPREPLY=($(compgen -W "--label -q --shared" -- "$cur")) ;;
          share)
            if [[ $cword -eq 2 ]]; then slugs=$(pierctl ls -q 2>/dev/null); COMPREPLY=($(compgen -W "$slugs" -- "$cur"))
            elif [[ "$prev" == --role ]]; then COMPREPLY=($(compgen -W "editor viewer" -- "$cur"))
            elif [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "--role" -- "$cur"))
            fi ;;
          leave) [[ $cword -eq 2 ]] && { slugs=$(pierctl ls --shared -q 2>/dev/null); COMPREPLY=($(compgen -W "$slugs" -- "$cur")); } ;;
          fork-link)
            if [[ $cword -eq 2 ]]; then slugs=$(pierctl ls -q 2>/dev/null); COMPREPLY=($(compgen -W "$slugs" -- "$cur"))
            elif [[ $cword -eq 3 ]]; then COMPREPLY=($(compgen -W "on off" -- "$cur"))
            fi ;;
          login) COMPREPLY=($(compgen -W "--url --key" -- "$cur")) ;;
          env)
            if [[ $cword -eq 2 ]]; then COMPREPLY=($(compgen -W "ls set rm" -- "$cur"))
            elif [[ $cword -eq 3 ]]; then slugs=$(pierctl ls -q 2>/dev/null); COMPREPLY=($(compgen -W "$slugs" -- "$cur"))
            fi ;;
          key) [[ $cword -eq 2 ]] && COMPREPLY=($(compgen -W "create ls rm" -- "$cur")) ;;
          completion) COMPREPLY=($(compgen -W "bash" -- "$cur")) ;;
          cp)
            if [[ "$cur" == *:* ]]; then return; fi
            slugs=$(pierctl ls -q 2>/dev/null | sed 's/$/:/')
            COMPREPLY=($(compgen -W "$slugs" -- "$cur") $(compgen -f -- "$cur"))
            compopt -o nospace 2>/dev/null ;;
        esac
      }
      complete -F _pierctl pierctl
      """;

  private BashCompletion() {}
}
