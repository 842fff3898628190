package io.bmagent.daemon;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The state directory of a running agent: checked before anything else opens (so an unusable one is one line, not a
 * SQLite stack trace), and locked for the process's life, so a second agent on the same state cannot start and
 * write beside the first.
 */
public final class StateDirectory implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private StateDirectory(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** @param flag the flag that names the directory, for the message that says how to fix it */
  public static StateDirectory acquire(Path dir, String flag) {
    String fix = "; give " + flag + " a directory this user can create and write";
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StartupFailure(StartupFailure.Kind.STATE, "state directory " + dir + " cannot be created ("
          + describe(e) + ")" + fix, e);
    }
    Path db = dir.resolve("state.db");
    if (Files.exists(db) && !Files.isReadable(db)) {
      throw new StartupFailure(StartupFailure.Kind.STATE, "state file " + db + " cannot be read" + fix, null);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StartupFailure(StartupFailure.Kind.STATE, "state directory " + dir + " is not writable ("
          + describe(e) + ")" + fix, e);
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new StartupFailure(StartupFailure.Kind.STATE, "state directory " + dir + " is in use by another"
            + " bm-agent on this machine: stop it, or give this one its own " + flag, null);
      }
      return new StateDirectory(channel, lock);
    } catch (IOException e) {
      throw new StartupFailure(StartupFailure.Kind.STATE, "cannot lock state directory " + dir + " ("
          + describe(e) + ")" + fix, e);
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase()
        + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The process is ending; the kernel drops the lock with the descriptor.
    }
  }
}
