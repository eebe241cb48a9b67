package io.pier.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a POSIX (ustar) tar of a folder's regular files and folders, names relative to it, as a stream. Links and
 * special files are left out (never followed). A name over ustar's limits gets a PAX {@code path} record.
 */
public final class TarWriter {
  static final int BLOCK = 512;

  private final OutputStream out;

  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /** Writes the folder's tree and the end-of-archive blocks; does not close {@code out}. */
  public static void writeFolder(Path folder, OutputStream out) throws IOException {
    TarWriter tar = new TarWriter(out);
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(folder)) {
      paths = walk.filter(p -> !p.equals(folder)).sorted().collect(Collectors.toList());
    }
    for (Path path : paths) {
      String name = folder.relativize(path).toString().replace('\\', '/');
      if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) tar.folder(name);
      else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        boolean executable = Files.isExecutable(path);
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
          tar.file(name, Files.size(path), executable ? 0755 : 0644, in);
        }
      }
    }
    tar.finish();
    out.flush();
  }

  public void folder(String name) throws IOException {
    header(name.endsWith("/") ? name : name + "/", 0, 0755, '5');
  }

  /** A regular file of {@code size} bytes read from {@code in}. */
  public void file(String name, long size, int mode, InputStream in) throws IOException {
    header(name, size, mode, '0');
    long copied = in.transferTo(new BoundedOutput(out, size));
    if (copied != size)
      throw new IOException(
          name + " changed while it was archived (" + copied + " of " + size + " bytes)");
    pad(size);
  }

  /** The two zero blocks that end an archive. */
  public void finish() throws IOException {
    out.write(new byte[BLOCK * 2]);
  }

  private void header(String name, long size, int mode, char type) throws IOException {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    String shortName = name;
    String prefix = "";
    if (bytes.length > 100) {
      int split = splitAt(name);
      if (split > 0) {
        prefix = name.substring(0, split);
        shortName = name.substring(split + 1);
      } else {
        pax(name);
        shortName = "long-name";
      }
    }
    byte[] header = new byte[BLOCK];
    put(header, 0, 100, shortName);
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0);
    octal(header, 116, 8, 0);
    octal(header, 124, 12, size);
    octal(header, 136, 12, System.currentTimeMillis() / 1000);
    header[156] = (byte) type;
    put(header, 257, 6, "ustar");
    put(header, 263, 2, "00");
    put(header, 345, 155, prefix);
    for (int i = 148; i < 156; i++) header[i] = ' ';
    long sum = 0;
    for (byte b : header) sum += b & 0xff;
    octal(header, 148, 7, sum);
    out.write(header);
  }

  /** A split of the name into a ustar prefix (≤ 155 bytes) and name (≤ 100 bytes) at a slash, or -1. */
  private static int splitAt(String name) {
    for (int i = name.length() - 1; i > 0; i--) {
      if (name.charAt(i) != '/') continue;
      int prefix = name.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
      int rest = name.substring(i + 1).getBytes(StandardCharsets.UTF_8).length;
      if (prefix <= 155 && rest <= 100 && rest > 0) return i;
    }
    return -1;
  }

  private void pax(String name) throws IOException {
    byte[] field = (" path=" + name + "\n").getBytes(StandardCharsets.UTF_8);
    int length = field.length;
    int digits = String.valueOf(length).length();
    while (String.valueOf(length + digits).length() != digits) digits++;
    byte[] record = ((length + digits) + " path=" + name + "\n").getBytes(StandardCharsets.UTF_8);
    header("PaxHeader", record.length, 0644, 'x');
    out.write(record);
    pad(record.length);
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) out.write(new byte[BLOCK - rest]);
  }

  private static void put(byte[] header, int at, int length, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, at, Math.min(length, bytes.length));
  }

  private static void octal(byte[] header, int at, int length, long value) throws IOException {
    String digits = Long.toOctalString(value);
    if (digits.length() > length - 1) throw new IOException("too large for a tar header: " + value);
    String padded = "0".repeat(length - 1 - digits.length()) + digits;
    put(header, at, length - 1, padded);
  }

  /** Lets through at most {@code limit} bytes, so that a file that grew cannot break the archive. */
  private static final class BoundedOutput extends OutputStream {
    private final OutputStream out;
    private long left;

    BoundedOutput(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left <= 0) throw new IOException("a file grew while it was archived");
      out.write(b);
      left--;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) throw new IOException("a file grew while it was archived");
      out.write(b, off, len);
      left -= len;
    }
  }
}
