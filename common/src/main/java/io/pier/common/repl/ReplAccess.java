package io.pier.common.repl;

import io.pier.common.auth.AuthToken;
import java.util.Optional;

/** Who may do what with a repl: the one place every service asks (the scheduler's routes, the node, the edge). */
public final class ReplAccess {
  private ReplAccess() {}

  /**
   * The caller's role in {@code record}: owner for its owner, administrators and Pier's services, the role it was given
   * for a collaborator, none for anyone else (and for a repl that does not exist).
   */
  public static Optional<ReplRole> roleOf(AuthToken caller, ReplRecord record) {
    if (caller == null) return Optional.empty();
    if (caller.admin() || caller.isService()) return Optional.of(ReplRole.OWNER);
    if (record == null) return Optional.empty();
    if (caller.subject().equals(record.owner())) return Optional.of(ReplRole.OWNER);
    return collaboratorRole(caller.subject(), record);
  }

  /**
   * The role {@code record} was shared with {@code account} in, none when it was not shared with it (its owner is not
   * a collaborator) or there is no record.
   */
  public static Optional<ReplRole> collaboratorRole(String account, ReplRecord record) {
    if (account == null || record == null) return Optional.empty();
    return Optional.ofNullable(record.collaborators().get(account));
  }

  /** Whether {@code record} is shared with {@code account}, in any role: what "shared with" means everywhere. */
  public static boolean isCollaborator(String account, ReplRecord record) {
    return collaboratorRole(account, record).isPresent();
  }
}
