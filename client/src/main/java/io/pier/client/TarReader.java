package io.pier.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts a tar stream into a local folder as it is read. The archive comes from a repl, so every name is hostile:
 * absolute names, {@code ..} and links are refused, an entry never lands outside the folder, and nothing existing
 * there that is a link is written through.
 */
public final class TarReader {
  /** What was extracted, and the entries left out (links, devices) by name. */
  public record Extracted(long files, long folders, long bytes, List<String> skipped) {}

  private TarReader() {}

  public static Extracted extract(InputStream in, Path targetDir) throws IOException {
    Path root = targetDir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    long files = 0;
    long folders = 0;
    long bytes = 0;
    List<String> skipped = new ArrayList<>();
    String longName = null;
    byte[] header = new byte[TarWriter.BLOCK];
    while (true) {
      if (!readBlock(in, header)) throw new IOException("the archive ended without its end blocks");
      if (isZero(header)) break;
      if (!checksumMatches(header)) throw new IOException("an archive header's checksum is wrong");
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      String name = longName != null ? longName : name(header);
      longName = null;
      switch (type) {
        case 'x' -> {
          longName = paxPath(new String(readData(in, size), StandardCharsets.UTF_8));
          continue;
        }
        case 'L' -> {
          longName = cString(readData(in, size));
          continue;
        }
        case 'g' -> {
          skip(in, padded(size));
          continue;
        }
        case '5' -> {
          Files.createDirectories(place(root, name));
          folders++;
        }
        case '0', '\0', '7' -> {
          Path target = place(root, name);
          Files.createDirectories(target.getParent());
          if (Files.isSymbolicLink(target)) throw new IOException(name + " is a link here");
          try (OutputStream out = Files.newOutputStream(target)) {
            copy(in, out, size);
          }
          skip(in, padded(size) - size);
          files++;
          bytes += size;
        }
        default -> {
          skipped.add(name);
          skip(in, padded(size));
        }
      }
    }
    return new Extracted(files, folders, bytes, List.copyOf(skipped));
  }

  /** The entry's place beneath {@code root}, refusing names that leave it or pass through a link. */
  static Path place(Path root, String name) throws IOException {
    String clean = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    if (clean.startsWith("./")) clean = clean.substring(2);
    if (clean.isEmpty() || clean.equals(".")) return root;
    if (clean.startsWith("/") || clean.contains("\\") || clean.indexOf('\0') >= 0)
      throw new IOException("unsafe name in the archive: " + name);
    Path at = root;
    for (String part : clean.split("/")) {
      if (part.isEmpty() || part.equals(".")) continue;
      if (part.equals("..")) throw new IOException("unsafe name in the archive: " + name);
      if (Files.isSymbolicLink(at)) throw new IOException(name + " passes through a link here");
      at = at.resolve(part);
    }
    if (!at.normalize().startsWith(root))
      throw new IOException("unsafe name in the archive: " + name);
    if (Files.exists(at, LinkOption.NOFOLLOW_LINKS) && Files.isSymbolicLink(at))
      throw new IOException(name + " is a link here");
    return at;
  }

  private static String name(byte[] header) {
    String name = field(header, 0, 100);
    boolean ustar = field(header, 257, 6).startsWith("ustar");
    String prefix = ustar ? field(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  private static String paxPath(String records) {
    String path = null;
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      if (space < 0) continue;
      String keyValue = record.substring(space + 1);
      if (keyValue.startsWith("path=")) path = keyValue.substring(5);
    }
    return path;
  }

  private static String field(byte[] header, int at, int length) {
    int end = at;
    while (end < at + length && header[end] != 0) end++;
    return new String(header, at, end - at, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] bytes) {
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) end++;
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] header, int at, int length) throws IOException {
    String text = field(header, at, length).strip();
    if (text.isEmpty()) return 0;
    try {
      return Long.parseLong(text, 8);
    } catch (NumberFormatException e) {
      throw new IOException("an archive header's number is not octal: " + text, e);
    }
  }

  private static boolean checksumMatches(byte[] header) throws IOException {
    long sum = 0;
    for (int i = 0; i < header.length; i++) sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
    return sum == octal(header, 148, 8);
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) if (b != 0) return false;
    return true;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, block.length);
    if (read == 0) return false;
    if (read < block.length) throw new IOException("the archive ended inside a header");
    return true;
  }

  /** A PAX or long-name record: small by nature, refused past 64 KiB. */
  private static byte[] readData(InputStream in, long size) throws IOException {
    if (size > 64 * 1024) throw new IOException("an archive's extended header is too large");
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) throw new IOException("the archive ended inside an entry");
    skip(in, padded(size) - size);
    return data;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) throw new IOException("the archive ended inside an entry");
      out.write(buffer, 0, read);
      left -= read;
    }
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) throw new IOException("the archive ended inside an entry");
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static long padded(long size) {
    return (size + TarWriter.BLOCK - 1) / TarWriter.BLOCK * TarWriter.BLOCK;
  }
}
