package io.pier.node.files;

/**
 * What an uploaded archive's entries may be: regular files and folders with relative names inside the folder they
 * are extracted to. Refused, naming the entry: an absolute name, a {@code ..} (or {@code .}) segment on the way, an
 * empty segment, NUL or a backslash; symbolic and hard links, devices, FIFOs and every other kind; a declared size
 * past what the archive may still expand to. A leading {@code ./} is the archive's own root and dropped.
 */
final class ArchiveEntries {
  private ArchiveEntries() {}

  /** What an entry says it is. */
  enum Kind {
    FILE,
    DIR,
    SYMLINK,
    HARDLINK,
    DEVICE,
    FIFO,
    OTHER
  }

  /**
   * An entry that passed: its name relative to the target folder (no trailing slash), or empty for the archive's
   * root folder itself, which is skipped.
   */
  record Checked(String name, Kind kind) {
    boolean skip() {
      return name.isEmpty();
    }
  }

  /**
   * @param declaredSize the size the entry's header gives, or -1 when it gives none (a streamed zip entry)
   * @param budget       how many bytes the archive may still expand to
   * @throws BadEntry 400 {@code bad_entry}, or 413 {@code too_large} for a declared size past the budget
   */
  static Checked check(String rawName, Kind kind, long declaredSize, long budget) {
    String name = rawName == null ? "" : rawName;
    switch (kind) {
      case FILE, DIR -> {}
      case SYMLINK -> throw new BadEntry(name, "symbolic links are not extracted");
      case HARDLINK -> throw new BadEntry(name, "hard links are not extracted");
      case DEVICE -> throw new BadEntry(name, "device files are not extracted");
      case FIFO -> throw new BadEntry(name, "FIFOs are not extracted");
      default -> throw new BadEntry(name, "only regular files and folders are extracted");
    }
    if (name.isEmpty()) throw new BadEntry(name, "an entry without a name");
    if (name.indexOf('\0') >= 0) throw new BadEntry(name, "a name holding NUL");
    if (name.indexOf('\\') >= 0) throw new BadEntry(name, "a name holding a backslash");
    if (name.startsWith("/")) throw new BadEntry(name, "an absolute name");
    String relative = name;
    while (relative.startsWith("./")) relative = relative.substring(2);
    if (relative.endsWith("/")) relative = relative.substring(0, relative.length() - 1);
    if (relative.isEmpty() || relative.equals(".")) {
      if (kind == Kind.DIR) return new Checked("", kind);
      throw new BadEntry(name, "a file without a name");
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.equals("..")) throw new BadEntry(name, "a '..' segment leads out of the folder");
      if (segment.equals(".")) throw new BadEntry(name, "a '.' segment inside the name");
      if (segment.isEmpty()) throw new BadEntry(name, "an empty segment ('//')");
    }
    if (kind == Kind.FILE && declaredSize > budget) {
      throw new BadEntry(
          413,
          "too_large",
          name,
          "declares "
              + declaredSize
              + " bytes, more than the "
              + Math.max(0, budget)
              + " the archive may still expand to");
    }
    return new Checked(relative, kind);
  }
}
