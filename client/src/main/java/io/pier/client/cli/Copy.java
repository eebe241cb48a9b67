package io.pier.client.cli;

import io.pier.client.ArchiveResult;
import io.pier.client.PierClient;
import io.pier.client.Repl;
import io.pier.client.ReplFiles;
import io.pier.client.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pierctl cp LOCAL SLUG:PATH} and {@code cp SLUG:PATH LOCAL}: a file as it is, a folder as a tar made or
 * extracted while it streams. A remote side is {@code slug:path} with a slug's characters before the colon; write
 * {@code ./a:b} for a local name with a colon.
 */
final class Copy {
  private static final Pattern REMOTE =
      Pattern.compile("([a-z0-9][a-z0-9-]*):(.*)", Pattern.DOTALL);

  private final Supplier<PierClient> client;
  private final PrintStream out;

  Copy(Supplier<PierClient> client, PrintStream out) {
    this.client = client;
    this.out = out;
  }

  /** Which side is the repl's: {@code slug} and {@code path}, or null for a local path. */
  record Remote(String slug, String path) {
    static Remote of(String arg) {
      Matcher m = REMOTE.matcher(arg);
      return m.matches() ? new Remote(m.group(1), m.group(2)) : null;
    }
  }

  void run(List<String> args) throws IOException {
    Arguments a = Arguments.parse(args, Commands.NONE, Commands.NONE).atMost(2);
    String from = a.required(0, "source (LOCAL or SLUG:PATH)");
    String to = a.required(1, "destination (SLUG:PATH or LOCAL)");
    Remote source = Remote.of(from);
    Remote target = Remote.of(to);
    if ((source == null) == (target == null))
      throw new UsageError(
          "cp copies between this machine and a repl: one side is SLUG:PATH, the other a local path");
    if (target != null) upload(Path.of(from), target);
    else download(source, Path.of(to));
  }

  private void upload(Path local, Remote target) throws IOException {
    Repl repl = pier().repls().get(target.slug());
    if (Files.isDirectory(local)) {
      ArchiveResult done = repl.files().uploadArchive(local, target.path());
      out.println(
          "uploaded "
              + done.files()
              + " files in "
              + done.folders()
              + " folders ("
              + done.bytes()
              + " bytes)");
    } else if (Files.isRegularFile(local)) {
      String path = target.path();
      if (path.isEmpty() || path.endsWith("/")) path = path + local.getFileName();
      repl.files().write(path, local);
      out.println("uploaded " + path + " (" + Files.size(local) + " bytes)");
    } else throw new IOException("no file or folder " + local);
  }

  private void download(Remote source, Path local) throws IOException {
    ReplFiles files = pier().repls().get(source.slug()).files();
    ReplFiles.Entry what = files.stat(source.path());
    if (what.type().equals("dir")) {
      TarReader.Extracted done = files.downloadArchive(source.path(), local);
      out.println(
          "downloaded " + done.files() + " files (" + done.bytes() + " bytes) into " + local);
      if (!done.skipped().isEmpty())
        out.println("left out (links or special files): " + done.skipped());
      return;
    }
    Path target =
        Files.isDirectory(local) ? local.resolve(Path.of(source.path()).getFileName()) : local;
    Path partial = target.resolveSibling(target.getFileName() + ".pierctl-partial");
    try (InputStream in = files.read(source.path())) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    out.println("downloaded " + source.path() + " to " + target);
  }

  /** The client, made when a command first needs it: usage errors are found before the login is read. */
  private PierClient pier() {
    return client.get();
  }
}
