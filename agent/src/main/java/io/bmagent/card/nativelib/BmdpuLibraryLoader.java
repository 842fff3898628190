package io.bmagent.card.nativelib;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the card library and probes it once per JVM: it must load and report {@link
 * BmdpuLibrary#BMDPU_ABI_VERSION}. The path comes from the system property {@value
 * #PATH_PROPERTY}, else the environment variable {@value #PATH_ENV}, else the simulator built in
 * {@code native/build} of the project when the working directory is the project or one of its
 * modules.
 */
public final class BmdpuLibraryLoader {
  public static final String PATH_PROPERTY = "bmagent.native.lib";
  public static final String PATH_ENV = "BMDPU_LIB";
  static final String SIMULATOR = "native/build/libbmdpu_sim.so";

  /** Strings cross the ABI as UTF-8 whatever the platform's default charset. */
  static final Map<String, Object> OPTIONS = Map.of(Library.OPTION_STRING_ENCODING, "UTF-8");

  private BmdpuLibraryLoader() {
  }

  private record Probe(Path path, BmdpuLibrary library, String cause) {
  }

  private static final class Holder {
    static final Probe PROBE = probe(System.getProperty(PATH_PROPERTY), System.getenv(PATH_ENV),
        Path.of("").toAbsolutePath());
  }

  public static boolean isAvailable() {
    return Holder.PROBE.library() != null;
  }

  /** Why the library cannot be used, or empty when it can. */
  public static Optional<String> unavailabilityCause() {
    return Optional.ofNullable(Holder.PROBE.cause());
  }

  /** The probed library; throws with the cause when it is unavailable. */
  public static BmdpuLibrary library() {
    Probe probe = Holder.PROBE;
    if (probe.library() == null) {
      throw new IllegalStateException("card library unavailable: " + probe.cause());
    }
    return probe.library();
  }

  /** The path the library was loaded from, or would have been. */
  public static Optional<Path> libraryPath() {
    return Optional.ofNullable(Holder.PROBE.path());
  }

  static String versionMismatch(int library) {
    return "ABI version mismatch: library " + library + ", agent " + BmdpuLibrary.BMDPU_ABI_VERSION;
  }

  static Optional<Path> resolve(String property, String env, Path workDir) {
    if (property != null && !property.isBlank()) {
      return Optional.of(Path.of(property));
    }
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env));
    }
    return Stream.of(workDir, workDir.getParent())
        .filter(Objects::nonNull)
        .map(dir -> dir.resolve(SIMULATOR))
        .filter(Files::isRegularFile)
        .findFirst();
  }

  private static Probe probe(String property, String env, Path workDir) {
    Optional<Path> path = resolve(property, env, workDir);
    if (path.isEmpty()) {
      return new Probe(null, null, "no card library: set -D" + PATH_PROPERTY + " or " + PATH_ENV
          + " (no " + SIMULATOR + " under " + workDir + " or its parent)");
    }
    if (!Files.isRegularFile(path.get())) {
      return new Probe(path.get(), null, "no card library at " + path.get());
    }
    BmdpuLibrary library;
    try {
      library = Native.load(path.get().toString(), BmdpuLibrary.class, OPTIONS);
    } catch (UnsatisfiedLinkError e) {
      String reason = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      return new Probe(path.get(), null, "cannot load " + path.get() + ": " + reason);
    }
    int version = library.bmdpu_abi_version();
    if (version != BmdpuLibrary.BMDPU_ABI_VERSION) {
      return new Probe(path.get(), null, versionMismatch(version) + " (" + path.get() + ")");
    }
    return new Probe(path.get(), library, null);
  }
}
