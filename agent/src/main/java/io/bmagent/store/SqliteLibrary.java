package io.bmagent.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Keeps sqlite-jdbc's native library in the state directory, so a start loads it in place. Left to itself the driver
 * copies the megabyte out of its jar into a fresh temporary file at every start, reads both to compare them and forks
 * {@code uname} to tell Android from Linux: a tenth of a restart. The copy is written once per driver version, under
 * a temporary name and then renamed, so a crash mid-copy never leaves a torn library to load; where this cannot be
 * done (another platform, a read-only or noexec directory) the driver falls back to its own extraction.
 */
final class SqliteLibrary {

  private static final String NAME = "libsqlitejdbc.so";

  private SqliteLibrary() {}

  static void placeIn(Path directory) {
    if (System.getProperty("org.sqlite.lib.path") != null || !"linux".equals(osName())) {
      return;
    }
    String arch = arch();
    if (arch == null) {
      return;
    }
    Path dir = directory.resolve("native").resolve("sqlite-" + SQLiteJDBCLoader.getVersion() + "-" + arch);
    Path lib = dir.resolve(NAME);
    try {
      if (!Files.isRegularFile(lib)) {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
            "/org/sqlite/native/Linux/" + arch + "/" + NAME)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path partial = Files.createTempFile(dir, NAME, ".partial");
          try {
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, lib, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(partial);
          }
        }
      }
    } catch (IOException e) {
      return;
    }
    System.setProperty("org.sqlite.lib.path", dir.toString());
    System.setProperty("org.sqlite.lib.name", NAME);
  }

  private static String osName() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
  }

  /** The folder sqlite-jdbc's jar keeps the library in for this JVM's architecture. */
  private static String arch() {
    return switch (System.getProperty("os.arch", "")) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> null;
    };
  }
}
