package io.pier.common.repl;

import java.util.Locale;

/**
 * What an account may do with a repl (docs/security.md#sharing): its owner everything; an {@code editor} whatever
 * changes its files or runs in it (write, run, type into terminals, exec); a {@code viewer} only look (read files,
 * watch terminals' output, open the preview). Administrators and Pier's services act as owners.
 */
public enum ReplRole {
  // Strongest first: atLeast compares their order.
  OWNER,
  EDITOR,
  VIEWER;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this role may do what {@code needed} may (an owner all an editor may, an editor all a viewer may). */
  public boolean atLeast(ReplRole needed) {
    return ordinal() <= needed.ordinal();
  }

  /** Whether this role may change the repl's files or run anything in it (write, run, terminal input, exec). */
  public boolean canChange() {
    return this != VIEWER;
  }

  /** Whether this role may manage the repl itself: delete it, share it, its settings, secrets and visibility. */
  public boolean canManage() {
    return this == OWNER;
  }

  /** A role an owner can give another account. @throws IllegalArgumentException for anything but editor or viewer */
  public static ReplRole collaborator(String wire) {
    if ("editor".equals(wire)) return EDITOR;
    if ("viewer".equals(wire)) return VIEWER;
    throw new IllegalArgumentException("role must be \"editor\" or \"viewer\", got " + wire);
  }
}
